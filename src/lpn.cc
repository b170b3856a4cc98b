/*
 * lpn: the C binding of libphonenumber (see lpn.h). The only C++ in the
 * project; keep it a translation layer and nothing more.
 */
#include "lpn.h"

#include <cstring>
#include <new>
#include <string>

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

/* libphonenumber's name for "no default region". */
static const char no_region[] = "ZZ";

/* Copies at most max bytes of s and NUL-terminates; dst has max + 1 bytes. */
static void copy_out(char *dst, size_t max, const std::string &s)
{
	size_t n = s.size() < max ? s.size() : max;

	std::memcpy(dst, s.data(), n);
	dst[n] = '\0';
}

static enum lpn_status map_error(PhoneNumberUtil::ErrorType e)
{
	switch (e) {
	case PhoneNumberUtil::NO_PARSING_ERROR:
		return LPN_OK;
	case PhoneNumberUtil::INVALID_COUNTRY_CODE_ERROR:
		return LPN_INVALID_COUNTRY_CODE;
	case PhoneNumberUtil::NOT_A_NUMBER:
		return LPN_NOT_A_NUMBER;
	case PhoneNumberUtil::TOO_SHORT_AFTER_IDD:
		return LPN_TOO_SHORT_AFTER_IDD;
	case PhoneNumberUtil::TOO_SHORT_NSN:
		return LPN_TOO_SHORT_NSN;
	case PhoneNumberUtil::TOO_LONG_NSN:
		return LPN_TOO_LONG_NSN;
	}
	/* A value added by a newer libphonenumber: not a number we understand. */
	return LPN_NOT_A_NUMBER;
}

static enum lpn_possible map_possible(PhoneNumberUtil::ValidationResult v)
{
	switch (v) {
	case PhoneNumberUtil::IS_POSSIBLE:
		return LPN_IS_POSSIBLE;
	case PhoneNumberUtil::IS_POSSIBLE_LOCAL_ONLY:
		return LPN_IS_POSSIBLE_LOCAL_ONLY;
	case PhoneNumberUtil::INVALID_COUNTRY_CODE:
		return LPN_POSSIBLE_INVALID_COUNTRY_CODE;
	case PhoneNumberUtil::TOO_SHORT:
		return LPN_POSSIBLE_TOO_SHORT;
	case PhoneNumberUtil::INVALID_LENGTH:
		return LPN_POSSIBLE_INVALID_LENGTH;
	case PhoneNumberUtil::TOO_LONG:
		return LPN_POSSIBLE_TOO_LONG;
	}
	return LPN_POSSIBLE_INVALID_LENGTH;
}

static enum lpn_type map_type(PhoneNumberUtil::PhoneNumberType t)
{
	/* Same order as PhoneNumberType; anything newer counts as unknown. */
	if (t < PhoneNumberUtil::FIXED_LINE || t > PhoneNumberUtil::UNKNOWN)
		return LPN_TYPE_UNKNOWN;
	return static_cast<enum lpn_type>(t);
}

static void clear(struct lpn_number *out)
{
	out->valid = 0;
	out->possible = LPN_POSSIBLE_INVALID_LENGTH;
	out->type = LPN_TYPE_UNKNOWN;
	out->e164[0] = '\0';
	out->region[0] = '\0';
	out->ext_len = 0;
	out->extension[0] = '\0';
}

static enum lpn_status parse(const char *input, size_t len,
			     const char *region, unsigned flags,
			     struct lpn_number *out)
{
	const PhoneNumberUtil &util = *PhoneNumberUtil::GetInstance();
	PhoneNumber num;
	std::string region_of;
	std::string e164;
	PhoneNumberUtil::ErrorType e;

	e = util.Parse(std::string(input, len), region ? region : no_region,
		       &num);
	if (e != PhoneNumberUtil::NO_PARSING_ERROR)
		return map_error(e);

	if (num.has_extension()) {
		out->ext_len = num.extension().size();
		copy_out(out->extension, LPN_EXT_MAX, num.extension());
	}

	/*
	 * IsValidNumber is exactly GetRegionCodeForNumber followed by
	 * IsValidNumberForRegion. Calling the halves ourselves yields the
	 * region without a second walk over every region sharing the
	 * country code (+1 has 25, +44 four): 4 us of a 21 us call.
	 */
	util.GetRegionCodeForNumber(num, &region_of);
	out->valid = util.IsValidNumberForRegion(num, region_of);
	if (!out->valid) {
		out->possible = map_possible(util.IsPossibleNumberWithReason(num));
		return LPN_OK;
	}

	util.Format(num, PhoneNumberUtil::E164, &e164);
	if (e164.size() > LPN_E164_MAX) {
		/* Valid by the metadata yet past E.164's 15 digits: say so
		 * rather than hand out a truncated number. */
		out->valid = 0;
		out->possible = LPN_POSSIBLE_TOO_LONG;
		return LPN_OK;
	}
	copy_out(out->e164, LPN_E164_MAX, e164);
	copy_out(out->region, LPN_REGION_MAX, region_of);
	if (flags & LPN_WANT_TYPE)
		out->type = map_type(util.GetNumberType(num));
	return LPN_OK;
}

extern "C" enum lpn_status lpn_parse(const char *input, size_t len,
				     const char *region, unsigned flags,
				     struct lpn_number *out)
{
	clear(out);
	if (!input)
		return LPN_NOT_A_NUMBER;
	try {
		return parse(input, len, region, flags, out);
	} catch (const std::bad_alloc &) {
		clear(out);
		return LPN_NOMEM;
	} catch (...) {
		clear(out);
		return LPN_FAILURE;
	}
}

extern "C" int lpn_is_region_supported(const char *region)
{
	if (!region)
		return 0;
	try {
		/*
		 * A hash lookup, where GetSupportedRegions would build a set
		 * on every call; 0 is its answer for any unknown code,
		 * including "001" (non-geographical) and "ZZ".
		 */
		return PhoneNumberUtil::GetInstance()->GetCountryCodeForRegion(
			       region) != 0;
	} catch (...) {
		return 0;
	}
}

extern "C" int lpn_region_prefixes(const char *region,
				   char ndd[LPN_NDD_MAX + 1])
{
	ndd[0] = '\0';
	if (!region)
		return 0;
	try {
		const PhoneNumberUtil &util = *PhoneNumberUtil::GetInstance();
		int cc = util.GetCountryCodeForRegion(region);
		std::string prefix;

		if (cc == 0)
			return 0;
		util.GetNddPrefixForRegion(region, true, &prefix);
		copy_out(ndd, LPN_NDD_MAX, prefix);
		return cc;
	} catch (...) {
		ndd[0] = '\0';
		return 0;
	}
}
