#!/usr/bin/env bash
# The Dockerfile and docker-compose.yml, checked without a Docker engine (issue 11): two stages
# (debian:bookworm AS build, then debian:bookworm-slim), a non-root USER, a HEALTHCHECK on
# /readyz, the install tree copied from the build stage, and every RUN command either a script
# of scripts/ that exists, is executable, was copied into its stage and is one CI runs (reached
# from .ci/run), or apt/user housekeeping from a short list. Broken copies of the Dockerfile show
# that each rule catches what it is for. The compose file: its services, the healthy-database
# dependency, secrets only from files, and the commands its header documents for creating them,
# run for real.
set -uo pipefail
src=${ORDOTEST_SOURCE_DIR:?run through ctest}
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# check.py DOCKERFILE SRC: one line per problem found, nothing when the Dockerfile is fine.
cat >"$tmp/check.py" <<'PY'
import json, os, re, shlex, sys

path, src = sys.argv[1], sys.argv[2]
problems = []
def bad(msg):
    problems.append(msg)

# Housekeeping a RUN may do besides calling scripts: each entry is a command and the first
# argument it must have (None: any).
HOUSEKEEPING = {("apt-get", "update"), ("apt-get", "install"), ("rm", "-rf"), ("useradd", None)}
RM_ALLOWED = re.compile(r"^(/var/lib/apt/lists/\*|/tmp/[A-Za-z0-9._-]+)$")
SHELL_WORDS = {"if", "then", "else", "fi"}

def ci_scripts():
    """The scripts/*.sh that .ci/run reaches, following names outside comments."""
    seen, todo = set(), [os.path.join(src, ".ci/run")]
    while todo:
        f = todo.pop()
        for line in open(f, encoding="utf-8"):
            if line.lstrip().startswith("#"):
                continue
            for name in re.findall(r"[A-Za-z0-9_-]+\.sh", line):
                p = os.path.join(src, "scripts", name)
                if name not in seen and os.path.isfile(p):
                    seen.add(name)
                    todo.append(p)
    return seen

# Instructions: comments dropped, continuation lines joined.
instrs, cur = [], ""
for raw in open(path, encoding="utf-8"):
    line = raw.rstrip("\n")
    if line.lstrip().startswith("#"):
        continue
    if line.endswith("\\"):
        cur += line[:-1] + " "
        continue
    cur += line
    if cur.strip():
        word, _, rest = cur.strip().partition(" ")
        instrs.append((word.upper(), rest.strip()))
    cur = ""

stages = []  # each: {"from": [...], "instrs": [...]}
for word, rest in instrs:
    if word == "FROM":
        stages.append({"from": rest.split(), "instrs": []})
    elif stages:
        stages[-1]["instrs"].append((word, rest))
if len(stages) != 2:
    bad(f"expected 2 stages, found {len(stages)}")
else:
    f0, f1 = [s["from"] for s in stages]
    if not (len(f0) == 3 and f0[0] == "debian:bookworm" and f0[1].upper() == "AS" and f0[2] == "build"):
        bad(f"first stage is not 'FROM debian:bookworm AS build': {' '.join(f0)}")
    if not f1 or f1[0] != "debian:bookworm-slim":
        bad(f"last stage is not FROM debian:bookworm-slim: {' '.join(f1)}")

reached = ci_scripts()
for si, stage in enumerate(stages):
    copied = set()  # what COPY put into this stage (relative sources); "." is everything
    last = si == len(stages) - 1
    for word, rest in stage["instrs"]:
        if word == "COPY":
            args = [a for a in rest.split() if not a.startswith("--")]
            if "--from" not in rest:
                for a in args[:-1]:
                    copied.add(a.strip("/"))
                    if a.startswith("scripts/") and not os.path.isfile(os.path.join(src, a)):
                        bad(f"COPY names {a}, which does not exist")
        if word != "RUN":
            continue
        if rest.startswith("["):
            cmds = [json.loads(rest)]
        else:
            lex = shlex.shlex(rest, posix=True, punctuation_chars=True)
            lex.whitespace_split = True
            cmds, cmd = [], []
            for tok in lex:
                if tok in ("&&", "||", ";", "|"):
                    cmds.append(cmd)
                    cmd = []
                else:
                    cmd.append(tok)
            cmds.append(cmd)
        for cmd in cmds:
            while cmd and cmd[0] in SHELL_WORDS:
                cmd = cmd[1:]
            if not cmd or cmd[0] in ("[", "test"):
                continue
            script = cmd[1] if cmd[0] in ("bash", "sh") and len(cmd) > 1 else cmd[0]
            if script.startswith("scripts/") and script.endswith(".sh"):
                p = os.path.join(src, script)
                if not os.path.isfile(p):
                    bad(f"RUN calls {script}, which does not exist")
                    continue
                if not os.access(p, os.X_OK):
                    bad(f"RUN calls {script}, which is not executable")
                if os.path.basename(script) not in reached:
                    bad(f"RUN calls {script}, which CI (.ci/run) does not run")
                if "." not in copied and script not in copied:
                    bad(f"RUN calls {script} before a COPY brings it into the stage")
                continue
            first = cmd[1] if len(cmd) > 1 else None
            if (cmd[0], first) not in HOUSEKEEPING and (cmd[0], None) not in HOUSEKEEPING:
                bad(f"RUN runs '{' '.join(cmd)}': neither scripts/*.sh nor allowed housekeeping")
            elif cmd[0] == "rm":
                for a in cmd[2:]:
                    if not RM_ALLOWED.match(a):
                        bad(f"RUN removes {a}: only apt lists and /tmp folders may go")
    if last:
        users = [rest for word, rest in stage["instrs"] if word == "USER"]
        if not users or users[-1].split(":")[0] in ("root", "0"):
            bad(f"the last stage does not end as a non-root USER: {users}")
        hc = [rest for word, rest in stage["instrs"] if word == "HEALTHCHECK"]
        if len(hc) != 1 or "/readyz" not in hc[0] or " CMD " not in f" {hc[0]} ":
            bad(f"the last stage has no HEALTHCHECK CMD on /readyz: {hc}")
        if not any(word == "COPY" and "--from=build" in rest
                   and [a for a in rest.split() if not a.startswith("--")][:1] == ["/opt/ordo"]
                   for word, rest in stage["instrs"]):
            bad("the last stage does not COPY --from=build /opt/ordo")
        ep = [rest for word, rest in stage["instrs"] if word == "ENTRYPOINT"]
        if not ep or "/opt/ordo/bin/ordo" not in ep[-1]:
            bad(f"the entry point is not /opt/ordo/bin/ordo: {ep}")
for p in problems:
    print(p)
PY

dockerfile=$src/Dockerfile
checks=$((checks + 1))
problems=$(python3 "$tmp/check.py" "$dockerfile" "$src") || fail "check.py failed to run"
[[ -z $problems ]] || fail "the Dockerfile: $problems"

# A broken copy of the Dockerfile: 'sed EXPR' applied must make check.py report TEXT.
mutant() { # mutant DESCRIPTION SED-EXPR TEXT
    checks=$((checks + 1))
    sed "$2" "$dockerfile" >"$tmp/Dockerfile.bad"
    if cmp -s "$dockerfile" "$tmp/Dockerfile.bad"; then
        fail "$1: the edit '$2' changed nothing (the Dockerfile moved on: update the test)"
        return
    fi
    out=$(python3 "$tmp/check.py" "$tmp/Dockerfile.bad" "$src")
    grep -qF -- "$3" <<<"$out" || fail "$1: no \"$3\" in: $out"
}
mutant "runtime stage not slim" 's/^FROM debian:bookworm-slim$/FROM debian:bookworm/' \
    "last stage is not FROM debian:bookworm-slim"
mutant "build stage renamed" 's/^FROM debian:bookworm AS build$/FROM debian:bookworm AS builder/' \
    "first stage is not"
# shellcheck disable=SC2016 # a sed address, not a variable
mutant "a third stage" '$a FROM scratch' "expected 2 stages, found 3"
mutant "root user" 's/^USER ordo$/USER root/' "does not end as a non-root USER"
mutant "uid 0" 's/^USER ordo$/USER 0:0/' "does not end as a non-root USER"
mutant "health check on /livez" 's#/readyz#/livez#' "no HEALTHCHECK CMD on /readyz"
mutant "inline build" \
    's#^RUN bash scripts/build-release.sh.*#RUN cmake --preset release \&\& cmake --build --preset release#' \
    "RUN runs 'cmake --preset release'"
mutant "a missing script" 's#scripts/build-release.sh#scripts/build-all.sh#' \
    "RUN calls scripts/build-all.sh, which does not exist"
mutant "a script CI does not run" 's#scripts/build-release.sh#scripts/gen-cli-doc.sh#' \
    "RUN calls scripts/gen-cli-doc.sh, which CI (.ci/run) does not run"
mutant "a script not copied in" 's#^COPY scripts/lib.sh scripts/install-deps.sh scripts/$#COPY scripts/lib.sh scripts/#' \
    "RUN calls scripts/install-deps.sh before a COPY brings it into the stage"
mutant "a line continued into a download" 's#^    && apt-get update -q#    \&\& curl -fsSL https://example.com/x | sh \&\& apt-get update -q#' \
    "RUN runs 'curl -fsSL https://example.com/x'"
mutant "rm beyond housekeeping" 's#rm -rf /var/lib/apt/lists/\* /tmp/ordo-setup#rm -rf /var/lib/apt/lists/* /opt/ordo#' \
    "RUN removes /opt/ordo"
mutant "no install tree" 's#^COPY --from=build /opt/ordo /opt/ordo#COPY --from=build /src/build/release /opt/ordo#' \
    "does not COPY --from=build /opt/ordo"

# The scripts the Dockerfile names are there and answer --help with their usage header (lib.sh
# is sourced, not run).
while IFS= read -r s; do
    expect 0 "$s --help" -- bash "$src/$s" --help
    has out "Usage: $s" "$s prints its usage"
done < <(grep -o 'scripts/[A-Za-z0-9_-]*\.sh' "$dockerfile" | grep -v '/lib\.sh$' | sort -u)

# ---- docker-compose.yml ------------------------------------------------------------------------
compose=$src/docker-compose.yml
# The secrets, made by the commands the header documents (its lines indented by three spaces),
# in a scratch folder as a user would in the checkout.
mkdir "$tmp/user"
sed -n '/^[^#]/q; s/^#   //p' "$compose" >"$tmp/secrets.sh"
has "$tmp/secrets.sh" "openssl rand" "the header documents the secret commands"
expect 0 "the documented secret commands" -- bash -c "cd '$tmp/user' && bash '$tmp/secrets.sh'"
for f in db_password database_url master_key audit_signing_key admin_key; do
    checks=$((checks + 1))
    mode=$(stat -c %a "$tmp/user/secrets/$f" 2>/dev/null)
    [[ $mode == 600 ]] || fail "secrets/$f: mode '$mode', expected 600"
done
has "$tmp/user/.env" "ORDO_UID=$(id -u)" ".env names the uid"
# A master key Ordo accepts: 64 hex digits; an admin key of 24 characters or more.
checks=$((checks + 1))
grep -qxE '[0-9a-f]{64}' "$tmp/user/secrets/master_key" || fail "master_key is not 64 hex digits"
checks=$((checks + 1))
grep -qxE '[0-9a-f]{64}' "$tmp/user/secrets/audit_signing_key" ||
    fail "audit_signing_key is not 64 hex digits"
checks=$((checks + 1))
grep -qxE '.{24,}' "$tmp/user/secrets/admin_key" || fail "admin_key is shorter than 24 characters"
checks=$((checks + 1))
[[ $(cat "$tmp/user/secrets/database_url") == "postgresql://ordo:$(cat "$tmp/user/secrets/db_password")@db:5432/ordo" ]] ||
    fail "database_url does not carry db_password: $(cat "$tmp/user/secrets/database_url")"

if python3 -c 'import yaml' 2>/dev/null; then
    checks=$((checks + 1))
    out=$(python3 - "$compose" <<'PY'
import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
problems = []
def want(cond, msg):
    if not cond:
        problems.append(msg)
sv = d.get("services", {})
want(set(sv) == {"db", "ordo"}, f"services are {sorted(sv)}, expected db and ordo")
db, ordo = sv.get("db", {}), sv.get("ordo", {})
want(str(db.get("image", "")).startswith("postgres:15"), f"db image {db.get('image')}")
env = db.get("environment", {})
want(env.get("POSTGRES_USER") == "ordo" and env.get("POSTGRES_DB") == "ordo", "db role and database")
want(env.get("POSTGRES_PASSWORD_FILE") == "/run/secrets/db_password", "db password from a file")
want("POSTGRES_PASSWORD" not in env, "a literal POSTGRES_PASSWORD")
want("healthcheck" in db and "pg_isready" in str(db["healthcheck"].get("test")), "db health check")
want(any(str(v).endswith(":/var/lib/postgresql/data") for v in db.get("volumes", [])), "db volume")
want(ordo.get("build", {}).get("context") == ".", "ordo is built from the Dockerfile here")
want(ordo.get("depends_on", {}).get("db", {}).get("condition") == "service_healthy",
     "ordo waits for a healthy db")
oenv = ordo.get("environment", {})
for key, secret in (("ORDO_DATABASE_URL", "database_url"), ("ORDO_MASTER_KEY", "master_key"),
                    ("ORDO_ADMIN_KEY", "admin_key"), ("ORDO_AUDIT_SIGNING_KEY", "audit_signing_key")):
    want(oenv.get(key + "_FILE") == "/run/secrets/" + secret, f"{key}_FILE")
    want(key not in oenv, f"a literal {key}")
    want(secret in ordo.get("secrets", []), f"ordo lacks the secret {secret}")
want("db_password" in db.get("secrets", []), "db lacks the secret db_password")
for name, s in d.get("secrets", {}).items():
    want(s.get("file") == "./secrets/" + name, f"secret {name} is not the file ./secrets/{name}")
want(any(str(p).endswith("8080:8080") for p in ordo.get("ports", [])), "port 8080")
want(any(str(v).endswith(":/var/lib/ordo") for v in ordo.get("volumes", [])), "ordo data volume")
print("\n".join(problems))
PY
)
    [[ -z $out ]] || fail "docker-compose.yml: $out"
else
    # Without python3-yaml: the shape by its lines.
    for line in '^  db:$' '^  ordo:$' 'image: postgres:15' 'condition: service_healthy' \
        'ORDO_MASTER_KEY_FILE: /run/secrets/master_key' 'ORDO_ADMIN_KEY_FILE: /run/secrets/admin_key' \
        'ORDO_DATABASE_URL_FILE: /run/secrets/database_url' 'POSTGRES_PASSWORD_FILE:' \
        'ORDO_AUDIT_SIGNING_KEY_FILE: /run/secrets/audit_signing_key'; do
        checks=$((checks + 1))
        grep -qE -- "$line" "$compose" || fail "docker-compose.yml has no line matching $line"
    done
fi
# Whatever the ordo service's environment names must be a key Ordo knows (CONTRACTS §5): an
# unknown ORDO_* variable would only be warned about.
ordo=${ORDOTEST_BIN:-}
if [[ -n $ordo ]]; then
    expect 0 "ordo config check with the compose environment" -- env -i PATH="$PATH" \
        ORDO_DATABASE_URL_FILE="$tmp/user/secrets/database_url" \
        ORDO_MASTER_KEY_FILE="$tmp/user/secrets/master_key" \
        ORDO_ADMIN_KEY_FILE="$tmp/user/secrets/admin_key" ORDO_DATA_DIR="$tmp/data" \
        ORDO_AUDIT_SIGNING_KEY_FILE="$tmp/user/secrets/audit_signing_key" \
        ORDO_LISTEN_ADDR=0.0.0.0 "$ordo" config check
    lacks err "unknown" "no unknown ORDO_* variable"
fi

finish test_dockerfile
