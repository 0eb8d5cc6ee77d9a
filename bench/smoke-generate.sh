#!/usr/bin/env bash
# bench/smoke-generate.sh ORDO FAKE_LLM TEXTS: the CI form of bench/generate-eval. First the
# offline drafter over the requirement texts, each checked against its .expect.json; then the
# same pipeline through ordo-fake-llm speaking the OpenAI wire format: the fake "writes" the IRs
# the offline run produced, the first answer is not JSON (so one repair round runs), and every
# draft must come out usable. It fails when an expectation does not hold, a draft of the second
# run is not usable, or the repair round did not happen. The fake measures the plumbing, not a
# model's quality (docs/benchmarks.md).
set -euo pipefail
ordo=$1 fake=$2 texts=$3
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/ordo-smoke-generate.XXXXXX)
fake_pid=
cleanup() {
    [[ -n $fake_pid ]] && kill "$fake_pid" 2>/dev/null && wait "$fake_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

"$root/bench/generate-eval" --ordo "$ordo" --allow-http --expect --json "$work/offline.json" "$texts"

# The usable drafts, as the fake's script, after one answer that is not JSON.
mkdir "$work/texts"
jq -r '.texts[] | select(.usable) | .text' "$work/offline.json" | while read -r t; do
    cp "$texts/$t" "$work/texts/"
    "$ordo" generate -f "$texts/$t" --allow-http --json | jq -c '{ir: .ir}'
done | jq -s '[{raw: "Sure! Here is your process."}] + .' >"$work/script.json"
n=$(find "$work/texts" -name '*.txt' | wc -l)

"$fake" --port 0 --api-key smoke-key --script "$work/script.json" >"$work/fake.out" &
fake_pid=$!
for _ in $(seq 100); do
    [[ -s $work/fake.out ]] && break
    sleep 0.1
done
url=$(jq -r .url "$work/fake.out")
ORDO_LLM_API_KEY=smoke-key "$root/bench/generate-eval" --ordo "$ordo" --allow-http --provider openai --llm-url "$url" \
    --model fake-model --json "$work/fake.json" "$work/texts"
jq -e --argjson n "$n" '.summary.usable == $n and .summary.texts == $n
    and ([.texts[].rounds] | add) == $n + 1' "$work/fake.json" >/dev/null || {
    echo "smoke-generate: through the fake LLM, not every draft was usable or the repair round is missing" >&2
    exit 1
}
echo "smoke-generate: offline drafter and fake LLM: $n usable drafts, one repair round"
