#!/bin/sh
# Prints the King James Bible as plain text (4.3 MB, 73,811 lines), the corpus of the shipped
# vocabularies. It comes from Debian's bible-kjv-text 4.38 (the text, compressed) through the
# `bible` reader of bible-kjv 4.38 (scripts/setup.sh installs both); 80 columns, whatever $COLUMNS says.
set -e
if ! command -v bible >/dev/null 2>&1; then
    echo "kjv-corpus.sh: the 'bible' command is missing: apt-get install bible-kjv bible-kjv-text (or run scripts/setup.sh)" >&2
    exit 1
fi
exec bible -l80 "Gen1:1-Rev22:21" </dev/null
