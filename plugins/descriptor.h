/*
 * plugins/descriptor.h - reading a connector's descriptor (the SDK's
 * struct ordo_connector, include/ordo/connector.h) safely.
 *
 * A plugin built against an older SDK has smaller structs: its action
 * array has its own stride ('action_size'), and fields past its 'size'
 * do not exist. These accessors are the only way the host reads them.
 * They assume a descriptor the loader (plugins/loader.h) has accepted.
 */
#ifndef ORDO_PLUGINS_DESCRIPTOR_H
#define ORDO_PLUGINS_DESCRIPTOR_H

#include <stddef.h>

#include "ordo/connector.h"

/* Action 'i' of 'c' (i < c->nactions). */
static inline const struct ordo_connector_action *
ordo_descriptor_action(const struct ordo_connector *c, size_t i)
{
    return (const struct ordo_connector_action *)(const void *)((const char *)c->actions +
                                                                i * c->action_size);
}

#endif
