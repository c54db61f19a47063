#!/bin/bash
# Removes one protection at a time (mutations.py), runs the whole security suite with the mutated
# module built in the same reactor, records which tests failed, and restores the file with git.
# Needs the other modules in ~/.m2 (mvn -B install once) and a clean worktree for the mutated
# modules; never commit while it runs. Usage: security-suite/mutation-check/run.sh [name-glob]
set -u
cd "$(git rev-parse --show-toplevel)"
here=security-suite/mutation-check
if [ -n "$(git status --porcelain -- auth-core provider-email provider-oauth provider-custom)" ]; then
  echo "uncommitted changes in the modules this script mutates: commit or stash them first" >&2
  exit 2
fi
out=$(mktemp -d)
trap 'git checkout -- auth-core provider-email provider-oauth provider-custom' EXIT
for name in $(python3 $here/mutations.py x list); do
  [[ -n "${1:-}" && "$name" != $1 ]] && continue
  files=$(python3 $here/mutations.py "$name" apply) || { echo "$name: the patch no longer applies"; continue; }
  module=$(python3 $here/mutations.py "$name" module)
  rm -rf security-suite/target/surefire-reports
  mvn -B -q -o verify -pl "$module",security-suite -Dtest='*CasesTest' -Dsurefire.failIfNoSpecifiedTests=false > "$out/$name.log" 2>&1
  git checkout -- $files
  failed=$(grep -h "<<< FAILURE\|<<< ERROR" security-suite/target/surefire-reports/*.txt 2>/dev/null \
      | grep -o "case[0-9]*_[A-Za-z0-9]*" | sort -u | tr '\n' ' ')
  echo "$name -> ${failed:-NOTHING FAILED}"
done
echo "logs in $out"
