/*
 * server/c8_topology.c - GET /v2/topology: the connection check of Camunda
 * Modeler and of @camunda8/sdk (they need a 200). Ordo answers as a
 * cluster of one broker with one partition that it leads; the versions
 * are the Camunda API version this dialect follows (docs/camunda8-rest.md),
 * not Ordo's own.
 */
#include "server/api.h"
#include "server/c8.h"

#define C8_COMPAT_VERSION "8.6.0"

enum ordo_code ordo_c8_topology(struct ordo_http_req *req, struct ordo_err *err)
{
    const struct ordo_api *api = ordo_http_app(req);
    json_t *partition =
        json_pack("{s:i, s:s, s:s}", "partitionId", 1, "role", "leader", "health", "healthy");
    json_t *broker = json_pack("{s:i, s:s, s:s, s:I, s:[o], s:s}", "nodeId", 0, "brokerId", "0",
                               "host", api->cfg->listen_addr, "port", (json_int_t)api->cfg->port,
                               "partitions", partition, "version", C8_COMPAT_VERSION);

    (void)err;
    ordo_http_reply_json(req, 200,
                         json_pack("{s:[o], s:n, s:i, s:i, s:i, s:s, s:s}", "brokers", broker,
                                   "clusterId", "clusterSize", 1, "partitionsCount", 1,
                                   "replicationFactor", 1, "gatewayVersion", C8_COMPAT_VERSION,
                                   "lastCompletedChangeId", "-1"));
    return ORDO_OK;
}
