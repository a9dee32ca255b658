#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image from this zip
# (unpacked in /autograder/source): Python 3 and the packages of requirements.txt, in a
# virtual environment that run_autograder uses.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq python3 python3-venv python3-pip > /dev/null
python3 -m venv /autograder/venv
/autograder/venv/bin/python -m pip install --quiet -r /autograder/source/requirements.txt
