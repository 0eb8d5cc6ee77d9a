/*
 * server/cli.c - command table, dispatch, help and version.
 *
 * Each command is one row: its words, usage line, summary, the help text
 * that `ordo help CMD` prints, and the function that runs it. docs/cli.md
 * restates the same text for readers of the repository.
 */
#include "server/cli.h"

#include <ctype.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/log.h"
#include "ordo_version.h"
#include "server/cli_internal.h"

typedef int cli_run_fn(struct ordo_cli *cli, int argc, char **argv);

struct command {
    const char *words; /* "bpmn lint" */
    const char *usage;
    const char *summary;
    const char *help;
    cli_run_fn *run;
};

static int run_version(struct ordo_cli *cli, int argc, char **argv);
static int run_help(struct ordo_cli *cli, int argc, char **argv);

#define CONFIG_HELP                                                                       \
    "Configuration flags (--config FILE, --bpmn-max-bytes N, ...) and ORDO_* variables\n" \
    "apply as described in docs/configuration.md.\n"

#define LIST_HELP                                                                    \
    "  --limit N      at most N rows (default 50, at most 500)\n"                    \
    "  --after CURSOR the rows after CURSOR (printed on standard error when there\n" \
    "                 are more)\n"

#define REMOTE_HELP                                                                       \
    "\n"                                                                                  \
    "Talks to the server at ORDO_URL (default http://127.0.0.1:8080) with the API key\n"  \
    "in ORDO_API_KEY; prints a table or the fields of the answer for people.\n"           \
    "\n"                                                                                  \
    "  --url URL       the server, instead of ORDO_URL\n"                                 \
    "  --api-key KEY   the API key, instead of ORDO_API_KEY (others on the machine see\n" \
    "                  the command line: prefer the variable)\n"                          \
    "  --json          print the server's JSON answer as it is, for scripts\n"            \
    "\n"                                                                                  \
    "Exit status: 0 done, 2 bad usage or input the server refused (HTTP 400, 404,\n"      \
    "409, 413, 415, 422; its message is printed), 1 any other failure (401, 403, 429,\n"  \
    "5xx, the server not reachable).\n"

static const struct command commands[] = {
    {"bpmn lint",
     "ordo bpmn lint FILE... [--json] [--strict] [--profile ordo|bpmnlint]\n"
     "                      [--rule RULE=off|warn|error]...\n"
     "       ordo bpmn lint --list-rules [--profile ordo|bpmnlint]",
     "check BPMN files for modelling and executability problems",
     "Checks each FILE (\"-\" for standard input) with the lint rules and prints one line\n"
     "per finding: FILE:LINE: SEVERITY: MESSAGE (element \"ID\") [RULE].\n"
     "\n"
     "  --json                 print one JSON document with all files and findings\n"
     "  --strict               count warnings as errors for the exit code\n"
     "  --profile NAME         \"ordo\" (default): bpmnlint's recommended rules, with\n"
     "                         no-inclusive-gateway off, plus Ordo's executability rules;\n"
     "                         \"bpmnlint\": exactly bpmnlint's recommended rules\n"
     "  --rule RULE=SEVERITY   set one rule to off, warn or error (repeatable)\n"
     "  --list-rules           list the rules with their severity in the chosen profile\n"
     "                         (and --rule settings), then exit\n"
     "\n"
     "Exit status: 0 no errors, 1 errors found, 2 a file could not be read or parsed\n"
     "(or bad usage). The rules are listed in docs/lint.md.\n" CONFIG_HELP,
     ordo_cli_bpmn_lint},
    {"bpmn fmt", "ordo bpmn fmt FILE [-o OUT]", "rewrite a BPMN file in Ordo's canonical layout",
     "Parses FILE (\"-\" for standard input) and writes it back as UTF-8 with two-space\n"
     "indentation and every namespace declared once on the root element. Ids, names,\n"
     "diagram data, extension elements and vendor attributes are kept.\n"
     "\n"
     "  -o, --output OUT   write to OUT instead of standard output (\"-\"). A file is\n"
     "                     replaced atomically; a symbolic link keeps pointing at it.\n"
     "\n"
     "Exit status: 0 written, 1 the output could not be written, 2 FILE could not be\n"
     "read or parsed (or bad usage); nothing is written then.\n" CONFIG_HELP,
     ordo_cli_bpmn_fmt},
    {"bpmn check", "ordo bpmn check --for ordo FILE... [--json]",
     "report what of a Camunda 7 or 8 model runs in Ordo, mapped or refused",
     "Reads each FILE (a Camunda 7 or Camunda 8 model as Camunda Modeler writes it, or\n"
     "any BPMN file; \"-\" for standard input) and reports per element what runs in\n"
     "Ordo as it is, what runs mapped (a JUEL condition translated to FEEL,\n"
     "camunda:asyncBefore ignored, camunda:topic as the job type, a job type no\n"
     "installed connector runs waiting for an external worker, ...) and what is\n"
     "refused (Java delegates, scripts, DMN, listeners, Camunda Connect, ...). The\n"
     "refusals are exactly those of `ordo run` and deploy. One line per file with\n"
     "the counts, then one per finding: FILE:LINE: mapped|refused: MESSAGE [RULE],\n"
     "with rule ids ordo/mapped-* and ordo/unsupported-*.\n"
     "\n"
     "  --for ordo   the target: what runs in Ordo (the only one; required)\n"
     "  --json       print one JSON document with every file, the status of each\n"
     "               element (runs, mapped, refused) and the findings\n"
     "\n"
     "Exit status: 0 everything runs (mapped elements included), 1 something is\n"
     "refused, 2 a file could not be read or parsed (or bad usage). The rules are\n"
     "listed in docs/migrating-from-camunda-7.md.\n" CONFIG_HELP,
     ordo_cli_bpmn_check},
    {"bpmn export",
     "ordo bpmn export --target camunda8|camunda7 FILE [-o OUT] [--forms-dir DIR] [--json]",
     "export a BPMN file for Camunda 8 or Camunda 7",
     "Writes FILE (\"-\" for standard input) as Camunda 8 or Camunda 7 runs it: Ordo's\n"
     "extensions become the target's (job types, mappings, assignments, forms), FEEL and\n"
     "JUEL are translated, cron takes the target's form, and the diagram is kept. The\n"
     "report on standard error has one line per change: ELEMENT: mapped|note|lost: WHAT:\n"
     "MESSAGE. What cannot be translated is kept as written and reported as lost.\n"
     "docs/camunda-export.md has the table.\n"
     "\n"
     "  --target NAME        camunda8 (Zeebe 8.6) or camunda7 (7.21)\n"
     "  -o, --output OUT     write the BPMN to OUT instead of standard output\n"
     "  --forms-dir DIR      camunda8: write each form as DIR/<formId>.form (without it\n"
     "                       the forms are reported as left out)\n"
     "  --json               print {\"bpmn\",\"forms\",\"report\",\"lost\"} on standard\n"
     "                       output instead of the BPMN and the report\n"
     "\n"
     "Exit status: 0 exported, 1 exported but something could not be translated (see\n"
     "the report) or an output could not be written, 2 FILE could not be read or\n"
     "parsed, or bad usage (an unknown target).\n" CONFIG_HELP,
     ordo_cli_bpmn_export},
    {"run",
     "ordo run FILE [--process ID] [--now RFC3339] [--vars JSON] [--answer ELEMENT=JSON]...\n"
     "                [--job TYPE=JSON]... [--job-error TYPE=CODE[:MSG]]... [--job-fail "
     "TYPE=MSG]...\n"
     "                [--message NAME[=JSON]]... [--advance DURATION]... [--trace text|json]",
     "run a BPMN process in memory, with scripted answers",
     "Starts one instance of the process at --now (default 2000-01-01T00:00:00Z) with\n"
     "--vars and runs it until it waits for something outside. Jobs are completed as\n"
     "they appear, with the next unused --job, --job-error or --job-fail for their job\n"
     "type, else with {}. Then --answer, --message and --advance apply in the order\n"
     "given, each followed by running to the next wait.\n"
     "\n"
     "  --process ID            the process to run (default: the only executable one)\n"
     "  --now RFC3339           the clock at the start\n"
     "  --vars JSON             the start variables (a JSON object)\n"
     "  --answer ELEMENT=JSON   complete the open user task ELEMENT with these variables\n"
     "  --job TYPE=JSON         complete the next job of TYPE with these variables\n"
     "  --job-error TYPE=CODE[:MSG]  the next job of TYPE throws BPMN error CODE\n"
     "  --job-fail TYPE=MSG     the next job of TYPE fails with no retries (an incident)\n"
     "  --message NAME[=JSON]   deliver message NAME (correlation keys are ignored)\n"
     "  --advance DURATION      move the clock (ISO 8601, e.g. PT1H, P2D) firing every\n"
     "                          timer that falls due, in due order\n"
     "  --trace text|json       print every step: one line each, or JSON Lines\n"
     "                          ({\"seq\":N,\"time\":...,\"event\":\"enter\",\"element\":...})\n"
     "\n"
     "The last line is the final status and the process variables: \"completed {...}\",\n"
     "or with --trace json {\"event\":\"final\",\"status\":...,\"variables\":{...}}.\n"
     "Only what cannot run is refused (malformed XML, unsupported elements, expression\n"
     "errors, duplicate ids); style findings are `ordo bpmn lint`'s business.\n"
     "\n"
     "Exit status: 0 completed, 1 an incident (wins over waiting), 3 waiting,\n"
     "2 bad input or a process that cannot run.\n" CONFIG_HELP,
     ordo_cli_run},
    {"generate",
     "ordo generate TEXT|-f FILE [-o FILE.bpmn] [--provider P] [--llm-url URL] [--model M]\n"
     "                [--systems NAME,...] [--allow-http] [--json]",
     "draft a BPMN process from a requirement in plain language",
     "Drafts an executable BPMN process from the requirement TEXT (or the file FILE,\n"
     "- for standard input), using only the connector actions installed in plugin_dir.\n"
     "With an LLM provider the text goes to the model with Ordo's IR schema, the answer\n"
     "is validated and its violations are sent back for repair (up to 3 rounds); with\n"
     "none, the offline drafter reads the text (docs/writing-requirements.md). A valid\n"
     "draft is laid out and linted. Runs locally; nothing is deployed.\n"
     "\n"
     "  -f, --file FILE      read the requirement from FILE (- for standard input)\n"
     "  -o, --output FILE    write the BPMN to FILE instead of standard output\n"
     "  --provider P         openai, anthropic, ollama or offline (default: llm_provider;\n"
     "                       empty means offline)\n"
     "  --llm-url URL        the provider's base URL (default: llm_url, else the\n"
     "                       provider's own); localhost and private addresses may use\n"
     "                       http:// (local models)\n"
     "  --model M            the model (default: llm_model)\n"
     "  --systems NAME,...   connectors the process should use\n"
     "  --allow-http         let the draft use the http connector's actions\n"
     "  --json               print the whole result as JSON (IR, XML, violations,\n"
     "                       findings, transcript, tokens, timings)\n"
     "\n"
     "The API key is llm_api_key (ORDO_LLM_API_KEY or ORDO_LLM_API_KEY_FILE). Progress,\n"
     "assumptions, questions, unplaced sentences and lint findings go to standard\n"
     "error (docs/generator.md).\n"
     "\n"
     "Exit status: 0 a usable draft was written, 1 none could be made (the error and\n"
     "the violations are printed), 2 bad usage or input.\n" CONFIG_HELP,
     ordo_cli_generate},
    {"connector list", "ordo connector list [--json] [-o OUT]", "list the installed connectors",
     "Loads every plugin of plugin_dir (docs/connectors.md) as the server would and\n"
     "prints one line per connector: name, version, number of actions, whether it\n"
     "takes a credential. A plugin the server would refuse (wrong ABI, not a plugin,\n"
     "a schema outside the subset, writable by others) is printed on standard error\n"
     "with the reason. Needs no database and no server.\n"
     "\n"
     "  --json             print the catalogue of every action as JSON (the document\n"
     "                     the generator reads; see `ordo connector catalogue`)\n"
     "  -o, --output OUT   write the JSON to OUT instead of standard output\n"
     "\n"
     "Exit status: 0 listed, 1 a plugin was refused or plugin_dir cannot be read,\n"
     "2 bad usage.\n" CONFIG_HELP,
     ordo_cli_connector_list},
    {"connector show", "ordo connector show NAME [--json] [-o OUT]",
     "show a connector's actions, inputs and credential fields",
     "Prints the connector NAME: its configuration and credential fields (names and\n"
     "types; values live on the server and are never shown), and each action with\n"
     "its id (the ordo:action and job type of a service task), inputs, BPMN errors\n"
     "and timeout.\n"
     "\n"
     "  --json             print the connector's catalogue entry as JSON\n"
     "  -o, --output OUT   write the JSON to OUT instead of standard output\n"
     "\n"
     "Exit status: 0 shown, 1 plugin_dir cannot be read, 2 bad usage or no such\n"
     "connector.\n" CONFIG_HELP,
     ordo_cli_connector_show},
    {"connector catalogue", "ordo connector catalogue [-o OUT]",
     "print the catalogue of installed actions as JSON",
     "Prints one JSON document with every installed connector and action, with\n"
     "their input and output schemas (docs/connectors-catalogue.md): what the\n"
     "process generator offers the LLM.\n"
     "\n"
     "  -o, --output OUT   write to OUT instead of standard output\n"
     "\n"
     "Exit status: 0 written, 1 a plugin was refused or the output could not be\n"
     "written, 2 bad usage.\n" CONFIG_HELP,
     ordo_cli_connector_catalogue},
    {"connector templates", "ordo connector templates [-o OUT]",
     "print Camunda 8 element templates of the installed actions",
     "Prints a JSON array with one Camunda 8 element template per installed action\n"
     "(docs/connectors-catalogue.md). Saved into Camunda Modeler's\n"
     "resources/element-templates folder, it lets people model Ordo service tasks\n"
     "there.\n"
     "\n"
     "  -o, --output OUT   write to OUT instead of standard output\n"
     "\n"
     "Exit status: 0 written, 1 a plugin was refused or the output could not be\n"
     "written, 2 bad usage.\n" CONFIG_HELP,
     ordo_cli_connector_templates},
    {"config check", "ordo config check [--config FILE] [--KEY VALUE]...",
     "check the configuration a server started here would use",
     "Loads the configuration from the defaults, the config file (--config or\n"
     "ORDO_CONFIG), ORDO_* environment variables and the flags given, as `ordo serve`\n"
     "would, and checks what start-up checks: unknown keys, values out of range, secret\n"
     "files with loose permissions, tls_cert_file without tls_key_file, a short\n"
     "admin_key, an audit_signing_key that is not one. Prints \"configuration ok\" and\n"
     "where each value that is not the default came from, or every problem found.\n"
     "\n"
     "Exit status: 0 the configuration is usable, 2 it is not (the problems are\n"
     "printed).\n" CONFIG_HELP,
     ordo_cli_config_check},
    {"config print", "ordo config print [-o OUT] [--config FILE] [--KEY VALUE]...",
     "print the effective configuration as JSON",
     "Loads the configuration like `ordo config check` and prints every key with its\n"
     "effective value as one JSON object. Secrets (admin_key, master_key, master_key_old,\n"
     "audit_signing_key, llm_api_key) are shown as \"[redacted]\" when set, and so is\n"
     "the password inside database_url, migrate_database_url and llm_url.\n"
     "\n"
     "  -o, --output OUT   write to OUT instead of standard output\n"
     "\n"
     "Exit status: 0 printed, 1 the output could not be written, 2 the configuration\n"
     "could not be loaded.\n" CONFIG_HELP,
     ordo_cli_config_print},
    {"deploy", "ordo deploy FILE... [--json]", "deploy BPMN files to the server",
     "Uploads every FILE (\"-\" for standard input) in one request (POST\n"
     "/api/deployments). Each executable process becomes a new version of its\n"
     "definition, unless it is unchanged. Nothing is deployed when one file is refused:\n"
     "malformed XML, or a model that cannot run (every finding is printed). Modelling\n"
     "findings do not block; the server keeps them with the definition (`ordo\n"
     "definition show`). Prints the definitions deployed.\n" REMOTE_HELP,
     ordo_cli_remote},
    {"definition list", "ordo definition list [--process ID] [--latest] [--json]",
     "list deployed process definitions",
     "Prints one line per deployed definition (every version), newest first.\n"
     "\n"
     "  --process ID   only the versions of this process\n"
     "  --latest       only the newest version of each process\n" LIST_HELP REMOTE_HELP,
     ordo_cli_remote},
    {"definition show", "ordo definition show KEY [--json]",
     "show one definition with its lint findings",
     "Prints the definition with key KEY and the modelling findings stored when it was\n"
     "deployed.\n" REMOTE_HELP,
     ordo_cli_remote},
    {"definition xml", "ordo definition xml KEY [-o OUT]", "print the BPMN XML of a definition",
     "Prints the BPMN XML that was deployed as definition KEY, byte for byte.\n"
     "\n"
     "  -o, --output OUT   write to OUT instead of standard output\n" REMOTE_HELP,
     ordo_cli_remote},
    {"definition suspend", "ordo definition suspend KEY", "stop new instances of a definition",
     "Suspends definition KEY: it can no longer be started, and its timer and message\n"
     "starts wait. Running instances go on.\n" REMOTE_HELP,
     ordo_cli_remote},
    {"definition resume", "ordo definition resume KEY", "allow new instances of a definition again",
     "Resumes definition KEY after `ordo definition suspend`.\n" REMOTE_HELP, ordo_cli_remote},
    {"instance start",
     "ordo instance start PROCESS_ID [--vars JSON] [--business-key K] [--version N] [--json]",
     "start a process instance",
     "Starts an instance of the newest version of process PROCESS_ID (or --version N)\n"
     "and prints its key.\n"
     "\n"
     "  --vars JSON          the start variables (a JSON object)\n"
     "  --business-key K     the instance's business key\n"
     "  --version N          the version to start instead of the newest\n" REMOTE_HELP,
     ordo_cli_remote},
    {"instance list",
     "ordo instance list [--process ID] [--definition KEY] [--state STATE]\n"
     "                          [--business-key K] [--json]",
     "list process instances",
     "Prints one line per instance, newest first.\n"
     "\n"
     "  --process ID         only instances of this process\n"
     "  --definition KEY     only instances of this definition\n"
     "  --state STATE        active, completed, terminated, canceled or error\n"
     "  --business-key K     only instances with this business key\n" LIST_HELP REMOTE_HELP,
     ordo_cli_remote},
    {"instance show", "ordo instance show KEY [--json]",
     "show an instance with its variables and history",
     "Prints instance KEY: its state, variables, active elements and history.\n" REMOTE_HELP,
     ordo_cli_remote},
    {"instance cancel", "ordo instance cancel KEY", "cancel a process instance",
     "Cancels instance KEY and everything it waits for (tasks, jobs, timers, called\n"
     "instances).\n" REMOTE_HELP,
     ordo_cli_remote},
    {"instance suspend", "ordo instance suspend KEY", "pause a process instance",
     "Suspends instance KEY: its jobs and timers wait until it is resumed.\n" REMOTE_HELP,
     ordo_cli_remote},
    {"instance resume", "ordo instance resume KEY", "resume a paused process instance",
     "Resumes instance KEY after `ordo instance suspend`.\n" REMOTE_HELP, ordo_cli_remote},
    {"task list", "ordo task list [--mine] [--instance KEY] [--state STATE] [--json]",
     "list user tasks",
     "Prints one line per user task. Approvers see the tasks they may act on;\n"
     "operators and viewers see all of them.\n"
     "\n"
     "  --mine           only tasks the caller may complete\n"
     "  --instance KEY   only the tasks of this instance\n"
     "  --state STATE    open (the default), completed, canceled or all\n" LIST_HELP REMOTE_HELP,
     ordo_cli_remote},
    {"task claim", "ordo task claim KEY", "make a user task yours",
     "Claims task KEY: it is assigned to the caller.\n" REMOTE_HELP, ordo_cli_remote},
    {"task complete", "ordo task complete KEY [--vars JSON]", "complete a user task",
     "Completes task KEY with the variables given; the task's form (ordo:form) checks\n"
     "them first and a refusal names every field that failed.\n"
     "\n"
     "  --vars JSON   the variables (a JSON object)\n" REMOTE_HELP,
     ordo_cli_remote},
    {"incident list", "ordo incident list [--state STATE] [--instance KEY] [--json]",
     "list incidents",
     "Prints one line per incident: a job whose retries ran out, with the reason.\n"
     "\n"
     "  --state STATE    open (the default), resolved or all\n"
     "  --instance KEY   only the incidents of this instance\n" LIST_HELP REMOTE_HELP,
     ordo_cli_remote},
    {"incident retry", "ordo incident retry KEY [--vars JSON]", "retry the job of an incident",
     "Resolves incident KEY and runs its job again, after setting the variables given.\n"
     "\n"
     "  --vars JSON   variables to set first (a JSON object)\n" REMOTE_HELP,
     ordo_cli_remote},
    {"message publish",
     "ordo message publish NAME [--correlation-key K] [--vars JSON] [--ttl MS]\n"
     "                          [--message-id ID] [--json]",
     "publish a message to waiting instances",
     "Publishes message NAME. It is delivered to the instances waiting for it with\n"
     "this correlation key, or kept until --ttl ends for one that comes to wait.\n"
     "\n"
     "  --correlation-key K   the correlation key\n"
     "  --vars JSON           variables the message carries (a JSON object)\n"
     "  --ttl MS              how long the message is kept, in milliseconds (default 0)\n"
     "  --message-id ID       a second publish with this id is a duplicate, ignored\n" REMOTE_HELP,
     ordo_cli_remote},
    {"key create",
     "ordo key create --name N --scopes ROLE,... [--user LOGIN] [--expires-in-days N]",
     "create an API key",
     "Creates an API key for the caller or for user LOGIN, with the roles given as its\n"
     "scopes (a subset of the user's roles), and prints it. The token is shown this\n"
     "once: the server keeps only its hash.\n"
     "\n"
     "  --name N              a name to tell the key apart\n"
     "  --scopes ROLE,...     admin, designer, operator, approver, viewer, metrics\n"
     "  --user LOGIN          the user the key belongs to (login or email)\n"
     "  --expires-in-days N   the key stops working after N days (default: never)\n" REMOTE_HELP,
     ordo_cli_remote},
    {"key list", "ordo key list [--json]", "list API keys",
     "Prints one line per API key: its owner, name, prefix, scopes, expiry and last\n"
     "use. Tokens are never shown again.\n" LIST_HELP REMOTE_HELP,
     ordo_cli_remote},
    {"key revoke", "ordo key revoke KEY", "revoke an API key",
     "Revokes API key KEY (the key column of `ordo key list`): it stops working at\n"
     "once on this server, within the identity cache's lifetime on others.\n" REMOTE_HELP,
     ordo_cli_remote},
    {"user create",
     "ordo user create LOGIN --email E [--password-file F] [--roles ROLE,...] [--json]",
     "create a user",
     "Creates user LOGIN and prints it.\n"
     "\n"
     "  --email E           the user's email (unique, like the login)\n"
     "  --password-file F   read a password for logging in to the UI from file F\n"
     "  --roles ROLE,...    roles to grant: admin, designer, operator, approver,\n"
     "                      viewer, metrics\n" REMOTE_HELP,
     ordo_cli_remote},
    {"user list", "ordo user list [--json]", "list users",
     "Prints one line per user with their roles (their own and their groups') and\n"
     "groups.\n" REMOTE_HELP,
     ordo_cli_remote},
    {"user grant", "ordo user grant LOGIN|KEY ROLE...", "grant roles to a user",
     "Grants the roles to the user with this login, email or key.\n" REMOTE_HELP, ordo_cli_remote},
    {"group create", "ordo group create NAME [--roles ROLE,...] [--json]", "create a group",
     "Creates group NAME (candidate groups of user tasks name groups) and prints its key.\n"
     "\n"
     "  --roles ROLE,...   roles every member holds\n" REMOTE_HELP,
     ordo_cli_remote},
    {"group list", "ordo group list [--json]", "list groups",
     "Prints one line per group with its roles and members.\n" REMOTE_HELP, ordo_cli_remote},
    {"group add", "ordo group add GROUP_KEY USER", "add a user to a group",
     "Adds the user with login or email USER to group GROUP_KEY.\n" REMOTE_HELP, ordo_cli_remote},
    {"migrate", "ordo migrate", "bring the database schema up to date",
     "Applies the schema migrations this build carries that the database lacks, in one\n"
     "transaction under an advisory lock, so that nodes starting together apply each\n"
     "migration once. It connects with migrate_database_url (a role that owns the\n"
     "schema) when set, else with database_url; with neither, to the embedded\n"
     "database in data_dir (docs/embedded-database.md). When the two URLs log in as\n"
     "different roles, the application role (database_url) is granted what it needs\n"
     "and no more: it may only add to and read the audit log. `ordo worker` and\n"
     "`ordo serve` migrate at start-up too.\n"
     "\n"
     "Exit status: 0 up to date, 1 the database could not be reached or a migration\n"
     "failed (nothing is changed then), 2 the database is newer than this build.\n" CONFIG_HELP,
     ordo_cli_migrate},
    {"serve", "ordo serve [--demo]", "run the server: REST API, executor and audit sealer",
     "Starts everything a node of Ordo runs: migrates the schema (like `ordo migrate`),\n"
     "creates the first admin when there is none (CONTRACTS 7: with admin_key, else a\n"
     "random key written to data_dir/initial-admin-key, mode 0600), loads the connector\n"
     "plugins of plugin_dir, starts the executor and the audit sealer (like `ordo\n"
     "worker`) and answers HTTP on listen_addr:port (127.0.0.1:8080 by default;\n"
     "docs/api.md, docs/openapi.yaml). With no database_url it runs the embedded\n"
     "database in data_dir. Prints the URL on stdout once it listens. On SIGTERM or\n"
     "SIGINT it stops accepting connections, lets requests in flight finish (up to\n"
     "10 s), finishes the jobs it holds and exits.\n"
     "\n"
     "  --demo   a sandbox: also starts ordo-sandbox (stand-ins for Slack, Jira, GitHub\n"
     "           and BambooHR on 127.0.0.1, docs/sandbox.md), stores a \"default\"\n"
     "           credential of each connector pointing at it, lets outbound HTTP reach\n"
     "           it (http_allow 127.0.0.1/32, http_scheme any) and creates the demo\n"
     "           manager \"maria\" (approver) with a random password written to\n"
     "           data_dir/demo-users. Never use it with real data.\n"
     "\n"
     "Exit status: 0 stopped by a signal, 1 the database could not be reached or the\n"
     "port could not be opened, 2 bad usage or configuration.\n" CONFIG_HELP,
     ordo_cli_serve},
    {"worker", "ordo worker", "run the job executor, without the HTTP server",
     "Runs executor threads that take due jobs from the database and run them: service\n"
     "tasks whose job type is an action of an installed connector plugin (plugin_dir;\n"
     "`ordo connector list`), timers, timer start events, results of called processes\n"
     "and thrown messages.\n"
     "Any number of workers and servers can share one database; each job attempt runs\n"
     "on one of them, and a job held by a node that died is taken over when its lease\n"
     "ends. Migrates the schema first, like `ordo migrate`. Also seals the audit log\n"
     "with audit_signing_key (docs/audit.md); with the embedded database and no key,\n"
     "it generates data_dir/audit-signing.key. Runs until SIGTERM or SIGINT, then\n"
     "finishes the jobs it holds and exits.\n"
     "\n"
     "Exit status: 0 stopped by a signal, 1 the database could not be reached,\n"
     "2 bad usage, no audit_signing_key with an external database, or a database\n"
     "newer than this build.\n" CONFIG_HELP,
     ordo_cli_worker},
    {"audit verify", "ordo audit verify [--public-key HEX] [--json] [--url URL]",
     "check the audit log's hash chain and signatures",
     "Walks the seals of the audit log from the oldest: checks each seal's Ed25519\n"
     "signature and its place in the chain, and recomputes the hash of every sealed\n"
     "row from the table. Prints the rows and seals verified, the rows not sealed\n"
     "yet, the newest head and the public keys the seals are signed with; when the\n"
     "chain does not verify, the first problem, naming the row (its seq) or the seal.\n"
     "\n"
     "  --public-key HEX   require every seal to be signed by this Ed25519 public key\n"
     "                     (64 hex digits, as `ordo worker` logs it at start-up)\n"
     "  --json             print the report as one JSON document\n"
     "  --url URL          ask the server at URL (GET /api/audit/verify) with the API\n"
     "                     key in ORDO_API_KEY (or --api-key KEY)\n"
     "\n"
     "Where it looks: with --url, the server; else, when database_url is set (flag,\n"
     "ORDO_DATABASE_URL or config file), the database directly; else, when ORDO_URL\n"
     "is set, that server; else the embedded database in data_dir. --url with\n"
     "--database-url is bad usage. The server needs the operator or viewer role.\n"
     "docs/audit.md explains what each problem means and what cannot be detected.\n"
     "\n"
     "Exit status: 0 the chain verifies, 1 it does not (the first problem is\n"
     "printed) or the server failed or could not be reached, 2 bad usage, the\n"
     "database could not be reached or read, or the server refused the request.\n" CONFIG_HELP,
     ordo_cli_audit_verify},
    {"audit purge", "ordo audit purge [--retention-days N] [--dry-run] [--json]",
     "delete the history of finished instances past their retention",
     "Deletes the instances that ended longer ago than their definition's retention\n"
     "(camunda:historyTimeToLive on the process, in days: \"30\" or \"P30D\"), with\n"
     "their jobs, tasks, subscriptions, incidents and audit rows, in one transaction.\n"
     "The purged audit rows' places in the chain are kept in a signed anchor, so\n"
     "`ordo audit verify` still verifies the chain. An instance waits for the next\n"
     "purge while any of its audit rows is not sealed yet, and a called instance\n"
     "while its caller is active.\n"
     "\n"
     "  --retention-days N  keep instances of definitions without a retention N days\n"
     "                      after their end (without it they are kept for ever)\n"
     "  --dry-run           say what would be purged, change nothing\n"
     "  --json              print the result as one JSON document\n"
     "\n"
     "Maintenance: it connects with migrate_database_url (the role that owns the\n"
     "schema; the application role may not delete audit rows), else database_url,\n"
     "else the embedded database, and migrates first like `ordo migrate`. It signs\n"
     "the anchor with audit_signing_key, loaded as `ordo worker` loads it, and holds\n"
     "the sealer's lock meanwhile. docs/audit.md explains anchors.\n"
     "\n"
     "Exit status: 0 purged or nothing to purge, 1 the database could not be reached\n"
     "or the purge failed (nothing is changed then), 2 bad usage, no\n"
     "audit_signing_key with an external database, or a database newer than this\n"
     "build.\n" CONFIG_HELP,
     ordo_cli_audit_purge},
    {"secrets rotate", "ordo secrets rotate [--json]",
     "seal every stored secret again with the current master_key",
     "After master_key changed (the previous key moved to master_key_old), seals\n"
     "every connector credential and every webhook endpoint and subscription secret\n"
     "still sealed with an earlier key again with master_key, and writes one audit\n"
     "row for each kind. Credentials and webhook secrets are each rotated in one\n"
     "transaction; a secret that does not open (its key is not in master_key_old)\n"
     "stops that transaction and changes nothing of it. Running it again finishes\n"
     "what is left. Afterwards the old keys may leave master_key_old\n"
     "(docs/operations.md).\n"
     "\n"
     "  --json   print the counts as one JSON document\n"
     "\n"
     "Exit status: 0 rotated (or nothing to rotate), 1 the database could not be\n"
     "reached or a secret did not open, 2 bad usage or no master key.\n" CONFIG_HELP,
     ordo_cli_secrets_rotate},
    {"version", "ordo version", "print the version and the commit it was built from",
     "Prints \"ordo VERSION (commit COMMIT)\". Also: ordo --version.\n", run_version},
    {"help", "ordo help [COMMAND...]", "show the commands, or the help of one command",
     "Without COMMAND, lists the commands. Also: ordo COMMAND --help.\n", run_help},
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

const char *ordo_cli_beside_exe(struct ordo_cli *cli, const char *path)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);

    if (path[0] == '/' || !path[0] || n <= 0) {
        return path;
    }
    exe[n] = '\0';
    return ordo_arena_printf(cli->arena, "%s/%s", dirname(exe), path);
}

int ordo_cli_fail(struct ordo_cli *cli, int code, const char *fmt, ...)
{
    va_list ap;

    (void)fprintf(cli->err, "ordo%s%s: ", cli->command ? " " : "",
                  cli->command ? cli->command : "");
    va_start(ap, fmt);
    (void)vfprintf(cli->err, fmt, ap);
    va_end(ap);
    (void)fputc('\n', cli->err);
    return code;
}

int ordo_cli_exit_for(int ordo_code)
{
    switch (ordo_code) {
    case ORDO_OK:
        return ORDO_CLI_OK;
    case ORDO_E_INVAL:
    case ORDO_E_NOTFOUND:
    case ORDO_E_CONFLICT:
    case ORDO_E_TOOBIG:
    case ORDO_E_MEDIA:
    case ORDO_E_UNPROCESSABLE:
        return ORDO_CLI_USAGE;
    default:
        return ORDO_CLI_FAILED;
    }
}

/* The width of the command column: the longest words and two spaces
 * after them (scripts/gen-cli-doc.sh finds the commands by those). */
static int words_width(void)
{
    size_t width = 0;

    for (size_t i = 0; i < NCOMMANDS; i++) {
        size_t len = strlen(commands[i].words);

        width = len > width ? len : width;
    }
    return (int)width + 1;
}

static void print_overview(FILE *f)
{
    (void)fprintf(f, "usage: ordo COMMAND [ARGS...]\n\ncommands:\n");
    for (size_t i = 0; i < NCOMMANDS; i++) {
        (void)fprintf(f, "  %-*s %s\n", words_width(), commands[i].words, commands[i].summary);
    }
    (void)fprintf(f, "\nRun `ordo help COMMAND` for the options of one command.\n");
}

static void print_help(FILE *f, const struct command *c)
{
    /* The summary doubles as the first sentence of the help. */
    (void)fprintf(f, "usage: %s\n\n%c%s.\n\n%s", c->usage, toupper((unsigned char)c->summary[0]),
                  c->summary + 1, c->help);
}

/* The command whose words start argv, and how many words it took. */
static const struct command *find_command(int argc, char **argv, int *nwords)
{
    for (size_t i = 0; i < NCOMMANDS; i++) {
        const char *w = commands[i].words;
        int k = 0;

        while (k < argc && *w) {
            size_t len = strcspn(w, " ");

            if (strlen(argv[k]) != len || strncmp(argv[k], w, len) != 0) {
                break;
            }
            w += len + (w[len] == ' ');
            k++;
        }
        if (!*w) {
            *nwords = k;
            return &commands[i];
        }
    }
    return NULL;
}

/* Is 'word' the first word of some command ("bpmn")? */
static bool is_group(const char *word)
{
    size_t len = strlen(word);

    for (size_t i = 0; i < NCOMMANDS; i++) {
        if (strncmp(commands[i].words, word, len) == 0 && commands[i].words[len] == ' ') {
            return true;
        }
    }
    return false;
}

static void print_group(FILE *f, const char *group)
{
    size_t len = strlen(group);

    (void)fprintf(f, "usage: ordo %s COMMAND\n\ncommands:\n", group);
    for (size_t i = 0; i < NCOMMANDS; i++) {
        if (strncmp(commands[i].words, group, len) == 0 && commands[i].words[len] == ' ') {
            (void)fprintf(f, "  %-*s %s\n", words_width(), commands[i].words, commands[i].summary);
        }
    }
}

static int run_version(struct ordo_cli *cli, int argc, char **argv)
{
    (void)argv;
    if (argc > 0) {
        return ordo_cli_fail(cli, ORDO_CLI_USAGE, "takes no arguments");
    }
    (void)fprintf(cli->out, "ordo %s (commit %s)\n", ORDO_VERSION,
                  ORDO_COMMIT[0] ? ORDO_COMMIT : "unknown");
    return ORDO_CLI_OK;
}

static int run_help(struct ordo_cli *cli, int argc, char **argv)
{
    const struct command *c;
    int nwords = 0;

    if (argc == 0) {
        print_overview(cli->out);
        return ORDO_CLI_OK;
    }
    c = find_command(argc, argv, &nwords);
    if (c && nwords == argc) {
        print_help(cli->out, c);
        return ORDO_CLI_OK;
    }
    if (argc == 1 && is_group(argv[0])) {
        print_group(cli->out, argv[0]);
        return ORDO_CLI_OK;
    }
    return ordo_cli_fail(cli, ORDO_CLI_USAGE, "no command \"%s%s\"; run `ordo help` for the list",
                         argv[0], argc > 1 ? " ..." : "");
}

static bool wants_help(int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) {
            return false;
        }
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            return true;
        }
    }
    return false;
}

static int dispatch(struct ordo_cli *cli, int argc, char **argv)
{
    const struct command *c;
    int nwords = 0;

    if (argc < 1) {
        print_overview(cli->err);
        return ORDO_CLI_USAGE;
    }
    if (strcmp(argv[0], "--version") == 0) {
        return run_version(cli, argc - 1, argv + 1);
    }
    if (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0) {
        return run_help(cli, 0, NULL);
    }
    c = find_command(argc, argv, &nwords);
    if (!c) {
        if (is_group(argv[0])) {
            print_group(cli->err, argv[0]);
            return ORDO_CLI_USAGE;
        }
        return ordo_cli_fail(cli, ORDO_CLI_USAGE,
                             "unknown command \"%s\"; run `ordo help` for the list", argv[0]);
    }
    cli->command = c->words;
    if (c->run != run_help && wants_help(argc - nwords, argv + nwords)) {
        print_help(cli->out, c);
        return ORDO_CLI_OK;
    }
    return c->run(cli, argc - nwords, argv + nwords);
}

int ordo_cli_main(int argc, char **argv, char **envp, FILE *out, FILE *err)
{
    struct ordo_cli cli = {out, err, envp, ordo_arena_new(), NULL};
    int rc = dispatch(&cli, argc - 1, argv + 1);

    ordo_arena_free(cli.arena);
    if (fflush(out) != 0 && rc == ORDO_CLI_OK) {
        rc = ordo_cli_fail(&cli, ORDO_CLI_FAILED, "could not write the output");
    }
    return rc;
}

/* ---- shared by the commands ---- */

static const struct ordo_cli_opt *match_opt(const struct ordo_cli_opt *opts, size_t nopts,
                                            const char *arg, size_t len, size_t *which)
{
    for (size_t i = 0; i < nopts; i++) {
        const char *names[2] = {opts[i].name, opts[i].alias};

        for (int k = 0; k < 2; k++) {
            if (names[k] && strlen(names[k]) == len && strncmp(names[k], arg, len) == 0) {
                *which = i;
                return &opts[i];
            }
        }
    }
    return NULL;
}

/* A long option that is not the command's: a configuration flag, kept with
 * its value for the config loader (which rejects unknown ones). */
static int keep_config_flag(struct ordo_cli *cli, int argc, char **argv, int *i,
                            struct ordo_cli_args *out)
{
    out->flags[out->nflags++] = argv[*i];
    if (!strchr(argv[*i], '=')) {
        if (*i + 1 >= argc) {
            return ordo_cli_fail(cli, ORDO_CLI_USAGE,
                                 "%s needs a value (or is not an option of this command)",
                                 argv[*i]);
        }
        out->flags[out->nflags++] = argv[++*i];
    }
    return ORDO_CLI_OK;
}

static int take_opt(struct ordo_cli *cli, int argc, char **argv, int *i,
                    const struct ordo_cli_opt *o, size_t which, const char *inline_value,
                    ordo_cli_opt_fn *on_opt, void *ctx)
{
    const char *value = NULL;

    if (o->takes_value) {
        if (inline_value) {
            value = inline_value;
        } else if (*i + 1 < argc) {
            value = argv[++*i];
        } else {
            return ordo_cli_fail(cli, ORDO_CLI_USAGE, "%s needs a value", o->name);
        }
    } else if (inline_value) {
        return ordo_cli_fail(cli, ORDO_CLI_USAGE, "%s takes no value", o->name);
    }
    return on_opt(ctx, which, value);
}

int ordo_cli_parse(struct ordo_cli *cli, int argc, char **argv, const struct ordo_cli_opt *opts,
                   size_t nopts, ordo_cli_opt_fn *on_opt, void *ctx, struct ordo_cli_args *out)
{
    bool options = true;

    out->npos = 0;
    out->nflags = 0;
    out->pos = ordo_arena_calloc(cli->arena, (size_t)argc + 1, sizeof(char *));
    out->flags = ordo_arena_calloc(cli->arena, (size_t)argc + 1, sizeof(char *));
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char *eq;
        size_t len;
        const struct ordo_cli_opt *o;
        size_t which = 0;
        int rc;

        if (!options || a[0] != '-' || a[1] == '\0') {
            out->pos[out->npos++] = argv[i];
            continue;
        }
        eq = strchr(a, '=');
        len = a[1] == '-' && eq ? (size_t)(eq - a) : strlen(a);
        if (strcmp(a, "--") == 0) {
            options = false;
            continue;
        }
        o = match_opt(opts, nopts, a, len, &which);
        if (o) {
            rc = take_opt(cli, argc, argv, &i, o, which, a[1] == '-' && eq ? eq + 1 : NULL, on_opt,
                          ctx);
        } else if (a[1] == '-') {
            rc = keep_config_flag(cli, argc, argv, &i, out);
        } else {
            rc = ordo_cli_fail(cli, ORDO_CLI_USAGE, "unknown option %s; run `ordo help %s`", a,
                               cli->command);
        }
        if (rc != ORDO_CLI_OK) {
            return rc;
        }
    }
    return ORDO_CLI_OK;
}

static void warn_cb(void *ctx, const char *message)
{
    struct ordo_cli *cli = ctx;

    (void)fprintf(cli->err, "ordo %s: warning: %s\n", cli->command, message);
}

bool ordo_cli_config(struct ordo_cli *cli, const struct ordo_cli_args *args,
                     struct ordo_config *cfg)
{
    struct ordo_config_sources src = {args->nflags, args->flags, cli->envp, warn_cb, cli};
    struct ordo_err err = {0};
    enum ordo_log_level level;
    enum ordo_log_format format;

    if (ordo_config_load(cfg, cli->arena, &src, &err) != ORDO_OK) {
        ordo_cli_fail(cli, ORDO_CLI_USAGE, "%s", err.msg);
        return false;
    }
    /* The key table has checked both words already. */
    if (ordo_log_level_parse(cfg->log_level, &level, NULL) == ORDO_OK) {
        ordo_log_threshold = level;
    }
    if (ordo_log_format_parse(cfg->log_format, &format, NULL) == ORDO_OK) {
        ordo_log_set_format(format);
    }
    return true;
}
