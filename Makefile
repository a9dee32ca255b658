# The tutorial's experiments, end to end:  make -j2      The tests:  make test
#
# Everything runs with the Python of .venv, a virtual environment made here with the packages of
# requirements.txt (Debian's and Ubuntu's own python3 refuse `pip install` outside of one), and
# made again when requirements.txt changes. PYTHON=python3 runs with your own Python instead.
#
# Each parameter file is made from the one before by one epoch of training, so make runs the
# chain in order and, run again, redoes only what is missing. Everything goes into runs/:
#   lin-param-N, lin-log-N, lin-error-N   20 epochs of the linear classifier (the tutorial's)
#   mlp-param-N, mlp-log-N, mlp-error-N   5 epochs of the MLP
#   lin-dev-*                             20 linear epochs holding out a dev set (dev-error-N)
#   lin-b32-*                             20 linear epochs in mini-batches of 32
#   figure-*.png, errors.txt              the figures and a table of every error rate
# make -j2 seeds: both chains again from seeds 1-5 (lin-sS-*, mlp-sS-*), their range in seeds.txt

PYTHON ?= .venv/bin/python
RUNS ?= runs
LIN_EPOCHS ?= 20
MLP_EPOCHS ?= 5
HIDDEN ?= 300
LIMIT ?=
# for a quick look: make RUNS=quick LIN_EPOCHS=3 MLP_EPOCHS=2 LIMIT=2000 HIDDEN=30
LIMIT_OPTION := $(if $(LIMIT),--limit $(LIMIT))
# what must be made before anything runs: the virtual environment, unless PYTHON is another one
SETUP := $(if $(filter .venv/bin/python,$(PYTHON)),.venv/requirements.txt)

all:

# $(call epoch,NAME,TRAIN SCRIPT,TRAIN OPTIONS,N,EPOCHS): the rule for epoch N of a chain.
# Its log is written under a temporary name and renamed once the parameter file is complete,
# so a log that exists means its epoch is done (a killed epoch is simply run again).
define epoch
$(RUNS)/$(1)-log-$(4): $(if $(filter 1,$(4)),$(RUNS)/$(1)-param-0,\
                        $(RUNS)/$(1)-log-$(shell expr $(4) - 1))
	@echo '== $(1): epoch $(4) of $(5)' >&2
	$(PYTHON) $(strip $(2) $(3) $(LIMIT_OPTION)) $(RUNS)/$(1)-param-$(shell expr $(4) - 1) \
	    $(RUNS)/$(1)-param-$(4) > $$@.partial
	mv $$@.partial $$@

endef

# $(call chain,NAME,TRAIN SCRIPT,TEST SCRIPT,EPOCHS,TRAIN OPTIONS,INIT OPTIONS)
define chain
$(RUNS)/$(1)-param-0: | $(RUNS) $(SETUP)
	$(PYTHON) $(strip $(2) --init $$@ $(6))

$(foreach e,$(shell seq 1 $(4)),$(call epoch,$(1),$(2),$(5),$(e),$(4)))
$(RUNS)/$(1)-error-%: $(RUNS)/$(1)-log-%
	$(PYTHON) $(3) $(RUNS)/$(1)-param-$$* > $$@.partial && mv $$@.partial $$@

$(1)-logs := $(foreach e,$(shell seq 1 $(4)),$(RUNS)/$(1)-log-$(e))
$(1)-errors := $(foreach e,$(shell seq 1 $(4)),$(RUNS)/$(1)-error-$(e))
endef

$(eval $(call chain,lin,lin-train.py,lin-test.py,$(LIN_EPOCHS)))
$(eval $(call chain,mlp,mlp-train.py,mlp-test.py,$(MLP_EPOCHS),,--hidden $(HIDDEN)))
$(eval $(call chain,lin-dev,lin-train.py,lin-test.py,$(LIN_EPOCHS),--dev))
$(eval $(call chain,lin-b32,lin-train.py,lin-test.py,$(LIN_EPOCHS),--batch-size 32 --lr 0.32))

$(RUNS)/lin-dev-dev-error-%: $(RUNS)/lin-dev-log-%
	$(PYTHON) lin-test.py --dev $(RUNS)/lin-dev-param-$* > $@.partial && mv $@.partial $@
lin-dev-dev-errors := $(foreach e,$(shell seq 1 $(LIN_EPOCHS)),$(RUNS)/lin-dev-dev-error-$(e))

FIGURES := $(RUNS)/figure-1-linear.png $(RUNS)/figure-2-mlp.png \
           $(RUNS)/figure-3-dev.png $(RUNS)/figure-4-batch.png

all: $(FIGURES) $(RUNS)/errors.txt
	@cat $(RUNS)/errors.txt
	@echo 'figures: $(FIGURES)'

$(RUNS)/figure-1-linear.png: $(lin-logs) $(lin-errors)
	$(PYTHON) plot_logs.py $@ --title 'Linear classifier' \
	    --loss linear $(lin-logs) --error linear $(lin-errors)

$(RUNS)/figure-2-mlp.png: $(lin-logs) $(lin-errors) $(mlp-logs) $(mlp-errors)
	$(PYTHON) plot_logs.py $@ --title 'MLP ($(HIDDEN) logistic units) and linear classifier' \
	    --loss linear $(lin-logs) --loss MLP $(mlp-logs) \
	    --error linear $(lin-errors) --error MLP $(mlp-errors)

$(RUNS)/figure-3-dev.png: $(lin-dev-logs) $(lin-dev-errors) $(lin-dev-dev-errors)
	$(PYTHON) plot_logs.py $@ \
	    --title 'Linear classifier trained on 50,000 images: dev and test error' \
	    --error-axis 'error rate' \
	    --loss 'training (50,000 images)' $(lin-dev-logs) \
	    --error 'dev set (last 10,000 training images)' $(lin-dev-dev-errors) \
	    --error 'test set' $(lin-dev-errors)

$(RUNS)/figure-4-batch.png: $(lin-logs) $(lin-errors) $(lin-b32-logs) $(lin-b32-errors)
	$(PYTHON) plot_logs.py $@ --title 'Linear classifier: one sample per step, or 32' \
	    --loss 'batch 1, lr 0.01' $(lin-logs) --loss 'batch 32, lr 0.32' $(lin-b32-logs) \
	    --error 'batch 1, lr 0.01' $(lin-errors) --error 'batch 32, lr 0.32' $(lin-b32-errors)

$(RUNS)/errors.txt: $(lin-errors) $(mlp-errors) $(lin-dev-errors) $(lin-dev-dev-errors) \
                    $(lin-b32-errors)
	@for f in $^; do printf '%-28s %s\n' "$$(basename $$f)" "$$(cat $$f)"; done > $@

# The same two chains from other seeds (the shuffled order, and the MLP's first parameters):
# make -j2 seeds. runs/seeds.txt: each seed's last test error, and their range by model.
SEEDS ?= 1 2 3 4 5
$(foreach s,$(SEEDS),$(eval $(call chain,lin-s$(s),lin-train.py,lin-test.py,$(LIN_EPOCHS),\
    --seed $(s),--seed $(s))))
$(foreach s,$(SEEDS),$(eval $(call chain,mlp-s$(s),mlp-train.py,mlp-test.py,$(MLP_EPOCHS),\
    --seed $(s),--hidden $(HIDDEN) --seed $(s))))
SEED_ERRORS := $(RUNS)/lin-error-$(LIN_EPOCHS) \
               $(foreach s,$(SEEDS),$(RUNS)/lin-s$(s)-error-$(LIN_EPOCHS)) \
               $(RUNS)/mlp-error-$(MLP_EPOCHS) \
               $(foreach s,$(SEEDS),$(RUNS)/mlp-s$(s)-error-$(MLP_EPOCHS))

seeds: $(RUNS)/seeds.txt
	@cat $<

$(RUNS)/seeds.txt: $(SEED_ERRORS)
	@for f in $^; do printf '%-24s %s\n' "$$(basename $$f)" "$$(cat $$f)"; done > $@.partial
	@awk '{ m = substr($$1, 1, 3); e = 100 * $$2; n[m]++; \
	        if (n[m] == 1 || e < lo[m]) lo[m] = e; if (n[m] == 1 || e > hi[m]) hi[m] = e } \
	      END { for (m in n) printf "%s: %.2f%% to %.2f%% over %d seeds\n", m, lo[m], hi[m], n[m] }' \
	    $@.partial | sort >> $@.partial
	mv $@.partial $@

$(RUNS):
	mkdir -p $@

# A course (README, "A course kit"): make handout writes handout/ and handout.zip, the parts of
# PARTS left to the students; make grade grades the folders and zips of SUBMISSIONS with it.
# OVERWRITE=1 replaces a handout where files were changed or added since it was made, and a
# GRADES file that is not a grade sheet of the handout's parts.
HANDOUT ?= handout
PARTS ?= default
SUBMISSIONS ?= submissions
GRADES ?= grades.csv
OVERWRITE_OPTION := $(if $(OVERWRITE),--overwrite)

handout: $(SETUP)
	$(PYTHON) course/handout.py $(HANDOUT) --parts '$(PARTS)' $(OVERWRITE_OPTION)

grade: $(SETUP)
	$(PYTHON) course/grade.py $(HANDOUT) $(SUBMISSIONS) $(GRADES) $(OVERWRITE_OPTION)

# The stamp is a copy of the requirements installed: a newer requirements.txt installs again.
# The parameter files depend on it only for order, so a new package version retrains nothing.
.venv/requirements.txt: requirements.txt
	python3 -m venv .venv
	.venv/bin/python -m pip install --quiet -r requirements.txt
	cp requirements.txt $@

.venv: .venv/requirements.txt

# The linter first (ruff.toml says what it checks), then the tests, on every core. The tests run
# make themselves, as a user would: not as a sub-make with this make's flags.
test: lint
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL $(PYTHON) -m pytest -q -n auto

# make lint: what ruff finds, and files the formatter would change; make format: let it change them
lint: $(SETUP)
	$(PYTHON) -m ruff check .
	$(PYTHON) -m ruff format --check .

format: $(SETUP)
	$(PYTHON) -m ruff check --fix .
	$(PYTHON) -m ruff format .

clean:
	rm -rf $(RUNS)

.PHONY: all clean format grade handout lint seeds test .venv
.DELETE_ON_ERROR:
