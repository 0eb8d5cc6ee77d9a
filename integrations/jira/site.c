/*
 * integrations/jira/site.c - the URL of a Jira Cloud site (see site.h).
 */
#include "integrations/jira/site.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "integrations/common/text.h"

char *ordo_jira_site_url(const char *site)
{
    bool host = strchr(site, '.') != NULL;
    size_t n = strlen("https://") + strlen(site) + strlen(".atlassian.net") + 1;
    char *url;

    if (strstr(site, "://")) {
        return ordo_conn_xstrdup(site);
    }
    url = ordo_conn_xmalloc(n);
    (void)snprintf(url, n, "https://%s%s", site, host ? "" : ".atlassian.net");
    return url;
}
