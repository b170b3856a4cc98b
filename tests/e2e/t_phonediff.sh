# The phone fast path against libphonenumber (tests/tools/phone_diff): a
# 50,000-input sample across every region, zero differences allowed, and the
# fast path must decide most of them. scripts/diff-phone.sh runs a million.
. "${CONTACTSYNC_TOP:-.}/tests/e2e/lib.sh"

"$TOOLS/phone_diff" 50000 >diff.txt 2>&1
rc=$?
sed 's/^/# /' diff.txt | head -40
check_eq "phone_diff: 50000 inputs, no difference between the fast path and libphonenumber" \
	"0:differences 0" "$rc:$(grep '^differences' diff.txt)"
share=$(sed -n 's/^fast path certain [0-9]* (\([0-9]*\)\..*/\1/p' diff.txt)
if [ "${share:-0}" -ge 60 ]; then
	pass "phone_diff: the fast path decided ${share}% of the sample"
else
	fail "phone_diff: the fast path decided only ${share:-0}% of the sample"
fi
# Off means off: the environment switch sends everything to libphonenumber.
CONTACTSYNC_PHONE_FASTPATH=0 "$TOOLS/phone_diff" 2000 >off.txt 2>&1
check_eq "CONTACTSYNC_PHONE_FASTPATH=0 disables the fast path" \
	"fast path certain 0 (0.0%)" "$(grep '^fast path certain' off.txt)"
exit $((nfail > 0))
