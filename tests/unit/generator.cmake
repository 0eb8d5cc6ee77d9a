# generator/: the IR, emission and layout, the offline drafter, the LLM providers and the
# pipeline. One test per line, so that parallel work merges cleanly.
