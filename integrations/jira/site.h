/*
 * integrations/jira/site.h - the URL of a Jira Cloud site from the credential's "site".
 *
 *   "acme"                      -> "https://acme.atlassian.net"
 *   "jira.acme.io"              -> "https://jira.acme.io"       (a host name: has a dot)
 *   "http://127.0.0.1:8090/jira" -> as it is                    (a URL: has "://")
 *
 * Pure: the unit test compiles this file directly.
 */
#ifndef ORDO_INTEGRATIONS_JIRA_SITE_H
#define ORDO_INTEGRATIONS_JIRA_SITE_H

/* The site's URL, malloc()ed (the caller frees it). */
char *ordo_jira_site_url(const char *site);

#endif
