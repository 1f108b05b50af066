#!/usr/bin/env bats
# The man pages agree with the programs: every tool has a page, every long option and subcommand
# printed by --help is documented in the tool's man/<tool>.1.scd, and faxkit-events(7) has a
# section for every record type the C++ sources write. Adding an option, a subcommand or a record
# type without documenting it makes this suite fail.

bats_require_minimum_version 1.5.0

bats_load_library bats-support
bats_load_library bats-assert

setup() {
	SRC_DIR="$(cd "$BATS_TEST_DIRNAME/../.." && pwd)"
	BUILD_DIR="${FAXKIT_BUILD_DIR:-$BATS_TEST_DIRNAME/../../build}"
	MAN_SRC="$SRC_DIR/man"
	MAN_OUT="$BUILD_DIR/man"
	[[ -d "$BUILD_DIR/tools" ]] || fail "no build tree at $BUILD_DIR (build first or set FAXKIT_BUILD_DIR)"
	TOOLS=()
	local dir name
	for dir in "$BUILD_DIR"/tools/*/; do
		name=$(basename "$dir")
		[[ -f "$dir$name" && -x "$dir$name" ]] && TOOLS+=("$name")
	done
	((${#TOOLS[@]} > 0)) || fail "no tool binaries under $BUILD_DIR/tools/*/"
}

# listed ITEM...: the items separated by "; " (items may contain spaces).
listed() {
	local IFS=';'
	printf '%s\n' "$*" | sed 's/;/; /g'
}

# tool_path NAME
tool_path() {
	printf '%s\n' "$BUILD_DIR/tools/$1/$1"
}

# help_of TOOL [SUBCOMMAND]: the --help text; fails the test unless it exits 0.
help_of() {
	local out rc=0
	out=$(timeout 10 "$(tool_path "$1")" "${@:2}" --help 2>&1) || rc=$?
	((rc == 0)) || fail "'$* --help' exited $rc: $out"
	printf '%s\n' "$out"
}

# long_options: every --long-option token of the text on stdin, once each.
long_options() {
	grep -oE -- '--[A-Za-z0-9][A-Za-z0-9-]*' | sort -u
}

# subcommands: the names listed under "Subcommands:" in the help text on stdin.
subcommands() {
	awk '/^Subcommands:/ { on = 1; next } on && /^[^ \t]/ { on = 0 } on && /^  [a-z]/ { print $1 }'
}

# documented_option FILE OPTION: the scdoc source shows OPTION in bold, as *--option*.
documented_option() {
	grep -qF -- "*$2*" "$1"
}

# documented_command FILE NAME: the scdoc source has a subsection "## NAME ..." or shows *NAME*.
documented_command() {
	grep -qE -- "^## $2( |\$)" "$1" || grep -qF -- "*$2*" "$1"
}

# record_types: the record type literals ("area.what") that lib/ writes: string literals on lines
# that build a record envelope (envelope("…"), reply_record("…", …), a "type":"…" literal).
record_types() {
	grep -rhE --include='*.cpp' --include='*.hpp' -e 'envelope\(' -e 'reply_record\(' -e '"type\\?"[:,]' "$SRC_DIR/lib" |
		grep -oE '"[a-z][a-z0-9_]*(\.[a-z0-9_]+)+"' | tr -d '"' | sort -u
}

@test "every tool has a man page source and a built man page" {
	local tool missing=()
	for tool in "${TOOLS[@]}"; do
		[[ -f "$MAN_SRC/$tool.1.scd" ]] || missing+=("man/$tool.1.scd")
		[[ -s "$MAN_OUT/$tool.1" ]] || missing+=("$MAN_OUT/$tool.1")
	done
	((${#missing[@]} == 0)) || fail "missing: $(listed "${missing[@]}")"
}

@test "every long option printed by <tool> --help is documented" {
	local tool help opt missing=()
	for tool in "${TOOLS[@]}"; do
		help=$(help_of "$tool")
		[[ -n "$(long_options <<<"$help")" ]] || fail "$tool --help lists no long options"
		while read -r opt; do
			documented_option "$MAN_SRC/$tool.1.scd" "$opt" || missing+=("$tool $opt")
		done < <(long_options <<<"$help")
	done
	((${#missing[@]} == 0)) || fail "options not shown as *--option* in man/<tool>.1.scd: $(listed "${missing[@]}")"
}

@test "every subcommand and every long option of its --help is documented" {
	local tool sub help opt missing=()
	for tool in "${TOOLS[@]}"; do
		help=$(help_of "$tool")
		while read -r sub; do
			documented_command "$MAN_SRC/$tool.1.scd" "$sub" || missing+=("$tool $sub")
			while read -r opt; do
				documented_option "$MAN_SRC/$tool.1.scd" "$opt" || missing+=("$tool $sub $opt")
			done < <(help_of "$tool" "$sub" | long_options)
		done < <(subcommands <<<"$help")
	done
	((${#missing[@]} == 0)) || fail "not documented in man/<tool>.1.scd: $(listed "${missing[@]}")"
}

@test "the help parsers find what fax-esl prints" {
	# Guards the parsers above: if the help layout changes they must not silently find nothing.
	[[ -x "$(tool_path fax-esl)" ]] || skip "fax-esl not built"
	run subcommands <<<"$(help_of fax-esl)"
	assert_output $'events\napi\nbgapi\nshell'
	run long_options <<<"$(help_of fax-esl events)"
	assert_line -- --filter
	assert_line -- --once
}

@test "faxkit-events(7) has a section for every record type written in lib/" {
	local types type missing=()
	types=$(record_types)
	[[ -n "$types" ]] || fail "found no record types in $SRC_DIR/lib (has the envelope code moved?)"
	grep -qx 'esl.event' <<<"$types" || fail "the record type scan missed esl.event: $types"
	[[ -s "$MAN_OUT/faxkit-events.7" ]] || fail "no built page $MAN_OUT/faxkit-events.7"
	while read -r type; do
		grep -qE -- "^## ${type//./\\.}\$" "$MAN_SRC/faxkit-events.7.scd" || missing+=("$type")
		grep -qF -- "$type" "$MAN_OUT/faxkit-events.7" || missing+=("$type (built page)")
	done <<<"$types"
	((${#missing[@]} == 0)) || fail "record types without a '## <type>' section in man/faxkit-events.7.scd: $(listed "${missing[@]}")"
}

@test "faxkit(7) lists every tool" {
	local tool missing=()
	[[ -f "$MAN_SRC/faxkit.7.scd" ]] || fail "no man/faxkit.7.scd"
	for tool in "${TOOLS[@]}"; do
		grep -qF -- "$tool" "$MAN_SRC/faxkit.7.scd" || missing+=("$tool")
	done
	((${#missing[@]} == 0)) || fail "tools missing from man/faxkit.7.scd: $(listed "${missing[@]}")"
}

@test "every built man page passes mandoc -Tlint" {
	command -v mandoc >/dev/null || skip "mandoc is not installed"
	local page out pages=("$MAN_OUT"/*.[1-9])
	[[ -e "${pages[0]}" ]] || fail "no built man pages in $MAN_OUT"
	for page in "${pages[@]}"; do
		# scdoc writes an empty .PP before every block; mandoc warns about each one. Not ours.
		out=$(mandoc -Tlint -W warning "$page" 2>&1 | grep -v 'WARNING: skipping paragraph macro') || true
		[[ -z "$out" ]] || fail "mandoc -Tlint $page: $out"
	done
}
