/*
 * integrations/jira/adf.h - plain text to the Atlassian Document Format
 * (ADF), which Jira Cloud's REST v3 wants for descriptions and comments.
 *
 * The text is read as "Markdown-lite":
 *   - blocks are separated by blank lines (only spaces and tabs);
 *   - a block whose lines all start with "- " or "* " is a bullet list,
 *     one item per line; one whose lines all start with "1. ", "2. ", ...
 *     is an ordered list;
 *   - a one-line block "# Title" (1 to 6 '#') is a heading;
 *   - any other block is a paragraph, its lines joined by hardBreak nodes.
 * Inline marks (bold, links, code) are not interpreted: the characters
 * stay as they are. CR LF counts as LF. Empty text gives a document with
 * no content.
 *
 *   "Hello\nworld\n\n- a\n- b" ->
 *   {"type":"doc","version":1,"content":[
 *     {"type":"paragraph","content":[{"type":"text","text":"Hello"},{"type":"hardBreak"},
 *                                    {"type":"text","text":"world"}]},
 *     {"type":"bulletList","content":[
 *       {"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"a"}]}]},
 *       {"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"b"}]}]}]}]}
 *
 * Pure: the unit test compiles this file directly.
 */
#ifndef ORDO_INTEGRATIONS_JIRA_ADF_H
#define ORDO_INTEGRATIONS_JIRA_ADF_H

#include <jansson.h>

/* A new ADF document for 'text' (NULL counts as ""). */
json_t *ordo_jira_adf(const char *text);

#endif
