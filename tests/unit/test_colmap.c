/* Unit tests of the column mapper. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "colmap.h"

#define MAXC 128

struct hdr {
	struct row row;
	char *cells[MAXC];
	size_t lens[MAXC];
};

static struct row *header(struct hdr *h, const char *const *names)
{
	size_t n = 0;

	for (; names[n]; n++) {
		h->cells[n] = (char *)names[n];
		h->lens[n] = strlen(names[n]);
	}
	memset(&h->row, 0, sizeof(h->row));
	h->row.ncells = n;
	h->row.cells = h->cells;
	h->row.lens = h->lens;
	h->row.rowno = 1;
	return &h->row;
}

static void test_synonyms(void **state)
{
	static const char *const names[] = { "Mobile Number", "Given Name", "SURNAME",
					     "Organisation", "Labels", "Do Not Text",
					     "Country", "Full Name", "Email", NULL };
	struct hdr h;
	struct colmap m;
	struct errinfo info = { 0 };

	(void)state;
	assert_int_equal(colmap_build(&m, header(&h, names), NULL, "f.csv", &info), ERR_OK);
	assert_int_equal(m.col[FIELD_PHONE], 0);
	assert_int_equal(m.col[FIELD_FIRST_NAME], 1);
	assert_int_equal(m.col[FIELD_LAST_NAME], 2);
	assert_int_equal(m.col[FIELD_COMPANY], 3);
	assert_int_equal(m.col[FIELD_TAGS], 4);
	assert_int_equal(m.col[FIELD_OPTED_OUT], 5);
	assert_int_equal(m.col[FIELD_COUNTRY], 6);
	assert_int_equal(m.col[FIELD_NAME], 7);
	assert_int_equal(m.field[8], FIELD_CUSTOM);
	assert_string_equal(m.key[8], "Email");
	/* Changed with phone roles: a phone column has the key its numbers
	 * are kept under when they are not the contact's. */
	assert_string_equal(m.key[0], "Mobile Number");
	assert_int_equal(m.role[0], ROLE_MOBILE);
	colmap_free(&m);
}

static void test_strongest_synonym_wins(void **state)
{
	static const char *const names[] = { "Number", "Cell", "Phone", NULL };
	struct hdr h;
	struct colmap m;
	struct errinfo info = { 0 };

	(void)state;
	assert_int_equal(colmap_build(&m, header(&h, names), NULL, "f.csv", &info), ERR_OK);
	/* Changed with phone roles: a mobile column ("Cell") is the strongest
	 * for SMS; then the generic ones by word, "Phone" before "Number".
	 * Every phone column keeps its numbers under its header. */
	assert_int_equal(m.col[FIELD_PHONE], 1);
	assert_int_equal(m.nphones, 3);
	assert_int_equal(m.phones[1], 2);
	assert_int_equal(m.phones[2], 0);
	assert_string_equal(m.key[0], "Number");
	assert_string_equal(m.key[1], "Cell");
	colmap_free(&m);
}

static void test_overrides(void **state)
{
	static const char *const names[] = { "Phone", "Tel 2", "Who", "Extra", NULL };
	const struct colmap_override ov[] = {
		{ "phone", "tel2" },		/* loose match of "Tel 2" */
		{ "first_name", "Who" },
		{ "notes", "Extra" },		/* custom key */
	};
	const struct colmap_opts o = { .maps = ov, .nmaps = 3 };
	struct hdr h;
	struct colmap m;
	struct errinfo info = { 0 };

	(void)state;
	assert_int_equal(colmap_build(&m, header(&h, names), &o, "f.csv", &info), ERR_OK);
	assert_int_equal(m.col[FIELD_PHONE], 1);
	/* Changed with phone roles: "Phone" stays a candidate after the
	 * --map'd one, and its numbers are kept under its header. */
	assert_int_equal(m.field[0], FIELD_PHONE);
	assert_int_equal(m.phones[1], 0);
	assert_string_equal(m.key[0], "Phone");
	assert_int_equal(m.col[FIELD_FIRST_NAME], 2);
	assert_string_equal(m.key[3], "notes");
	colmap_free(&m);
}

static void test_errors(void **state)
{
	static const char *const names[] = { "name", "email", NULL };
	const struct colmap_override ov[] = { { "phone", "Tel" } };
	const struct colmap_opts o = { .maps = ov, .nmaps = 1 };
	struct hdr h;
	struct colmap m;
	struct errinfo info = { 0 };

	(void)state;
	assert_int_equal(colmap_build(&m, header(&h, names), NULL, "f.csv", &info), ERR_CONFIG);
	/* the hint now comes first, before the (capped) list */
	assert_string_equal(info.msg, "'f.csv': no phone column found; name it with --map phone=COLUMN "
				      "(columns: 'name', 'email')");
	assert_int_equal(colmap_build(&m, header(&h, names), &o, "f.csv", &info), ERR_USAGE);
	assert_non_null(strstr(info.msg, "no column 'Tel'"));
}

/* A binary file's first line: control bytes escaped, long headers cut;
 * NUL bytes in the header (UTF-16 without BOM) are an error of their own. */
static void test_hostile_headers(void **state)
{
	static const char *const names[] = { "a\x1b[2Jb\x07", "0123456789012345678901234567890123456789xyz", NULL };
	struct hdr h;
	struct colmap m;
	struct errinfo info = { 0 };

	(void)state;
	assert_int_equal(colmap_build(&m, header(&h, names), NULL, "f.csv", &info), ERR_CONFIG);
	assert_non_null(strstr(info.msg, "(columns: 'a\\x1b[2Jb\\x07', '0123456789012345678901234567890123456789...')"));
	assert_null(strchr(info.msg, '\x1b'));
	header(&h, names);
	h.cells[0] = "p\0h\0o\0n\0e\0";
	h.lens[0] = 10;
	assert_int_equal(colmap_build(&m, &h.row, NULL, "u.csv", &info), ERR_FORMAT);
	assert_non_null(strstr(info.msg, "'u.csv': the header (column 1) holds NUL bytes"));
}

static void test_repeated_and_empty_headers(void **state)
{
	static const char *const names[] = { "phone", "Email", "", "Email", "Email", NULL };
	struct hdr h;
	struct colmap m;
	struct errinfo info = { 0 };

	(void)state;
	assert_int_equal(colmap_build(&m, header(&h, names), NULL, "f.csv", &info), ERR_OK);
	assert_string_equal(m.key[1], "Email");
	assert_string_equal(m.key[2], "column_3");
	assert_string_equal(m.key[3], "Email (2)");
	assert_string_equal(m.key[4], "Email (3)");
	assert_int_equal(m.nwarnings, 2);
	assert_non_null(strstr(m.warnings[0], "header 'Email' is repeated"));
	colmap_free(&m);
}

static void test_field_names(void **state)
{
	int f;

	(void)state;
	for (f = 0; f < FIELD__STD; f++)
		assert_int_equal(colmap_field_lookup(colmap_field_name((enum field)f)), f);
	assert_int_equal(colmap_field_lookup("email"), FIELD_CUSTOM);
}

/*
 * The real exports. Each header row is the one the export writes (its
 * source in the comment); `want` lists every column that is not a plain
 * custom field, `phones` the phone columns in the order expected (mobile
 * first, then generic and by-type, home, work, other; within a role the
 * stronger word, then the leftmost).
 */
struct want {
	const char *header;
	enum field field;
	enum phone_role role;	/* for FIELD_PHONE */
};

#define P(h, r) { h, FIELD_PHONE, r }
#define W(h, f) { h, f, ROLE_GENERIC }

static long col_named(const struct colmap *m, const char *const *names, const char *name)
{
	size_t i;

	for (i = 0; i < m->ncols; i++)
		if (!strcmp(names[i], name))
			return (long)i;
	fail_msg("no column '%s'", name);
	return -1;
}

static void check_export(const char *const *names, const struct want *want,
			 const char *const *phones, size_t nwarnings)
{
	struct hdr h;
	struct colmap m;
	struct errinfo info = { 0 };
	size_t i, n;

	assert_int_equal(colmap_build(&m, header(&h, names), NULL, "x.csv", &info), ERR_OK);
	for (i = 0; i < m.ncols; i++) {
		const struct want *w = want;

		while (w->header && strcmp(w->header, names[i]))
			w++;
		if (!w->header) {
			if (m.field[i] != FIELD_CUSTOM)
				fail_msg("'%s' is %s, not custom", names[i], colmap_field_name(m.field[i]));
			assert_non_null(m.key[i]);
			continue;
		}
		if (m.field[i] != w->field)
			fail_msg("'%s' is %s, not %s", names[i], colmap_field_name(m.field[i]),
				 colmap_field_name(w->field));
		if (w->field == FIELD_PHONE && m.role[i] != w->role)
			fail_msg("'%s' is %s, not %s", names[i], colmap_role_name(m.role[i]),
				 colmap_role_name(w->role));
		if (w->field < FIELD__STD && w->field != FIELD_PHONE)
			assert_int_equal(m.col[w->field], i);
	}
	for (n = 0; phones[n]; n++)
		if (n >= m.nphones || m.phones[n] != col_named(&m, names, phones[n]))
			fail_msg("phone %zu is not '%s'", n, phones[n]);
	assert_int_equal(m.nphones, n);
	assert_int_equal(m.col[FIELD_PHONE], m.phones[0]);
	assert_int_equal(m.nwarnings, nwarnings);
	colmap_free(&m);
}

/* Google Contacts, "Google CSV" before 2023 (the header Google wrote and
 * reads back: Name, Given Name ... Group Membership, Phone N - Type/Value,
 * Organization 1 - Name; as in the files of many Google-import tools). */
static void test_google_old(void **state)
{
	static const char *const names[] = {
		"Name", "Given Name", "Additional Name", "Family Name", "Yomi Name",
		"Given Name Yomi", "Additional Name Yomi", "Family Name Yomi", "Name Prefix",
		"Name Suffix", "Initials", "Nickname", "Short Name", "Maiden Name", "Birthday",
		"Gender", "Location", "Billing Information", "Directory Server", "Mileage",
		"Occupation", "Hobby", "Sensitivity", "Priority", "Subject", "Notes", "Language",
		"Photo", "Group Membership", "E-mail 1 - Type", "E-mail 1 - Value",
		"Phone 1 - Type", "Phone 1 - Value", "Phone 2 - Type", "Phone 2 - Value",
		"Address 1 - Type", "Address 1 - Formatted", "Address 1 - Street",
		"Address 1 - City", "Address 1 - PO Box", "Address 1 - Region",
		"Address 1 - Postal Code", "Address 1 - Country", "Address 1 - Extended Address",
		"Organization 1 - Type", "Organization 1 - Name", "Organization 1 - Yomi Name",
		"Organization 1 - Title", "Organization 1 - Department", "Organization 1 - Symbol",
		"Organization 1 - Location", "Organization 1 - Job Description",
		"Website 1 - Type", "Website 1 - Value", NULL };
	static const struct want want[] = {
		W("Name", FIELD_NAME), W("Given Name", FIELD_FIRST_NAME),
		W("Family Name", FIELD_LAST_NAME), W("Group Membership", FIELD_TAGS),
		W("Phone 1 - Type", FIELD_PHONE_TYPE), P("Phone 1 - Value", ROLE_BY_TYPE),
		W("Phone 2 - Type", FIELD_PHONE_TYPE), P("Phone 2 - Value", ROLE_BY_TYPE),
		W("Address 1 - Country", FIELD_COUNTRY),
		W("Organization 1 - Name", FIELD_COMPANY), { NULL, 0, 0 } };
	static const char *const phones[] = { "Phone 1 - Value", "Phone 2 - Value", NULL };

	(void)state;
	check_export(names, want, phones, 0);
}

/* Google Contacts' newer CSV (2023 on): First Name ... Labels, "- Label"
 * beside "- Value" (the header of Google's own export). */
static void test_google_new(void **state)
{
	static const char *const names[] = {
		"First Name", "Middle Name", "Last Name", "Phonetic First Name",
		"Phonetic Middle Name", "Phonetic Last Name", "Name Prefix", "Name Suffix",
		"Nickname", "File As", "Organization Name", "Organization Title",
		"Organization Department", "Birthday", "Notes", "Photo", "Labels",
		"E-mail 1 - Label", "E-mail 1 - Value", "E-mail 2 - Label", "E-mail 2 - Value",
		"Phone 1 - Label", "Phone 1 - Value", "Phone 2 - Label", "Phone 2 - Value",
		"Phone 3 - Label", "Phone 3 - Value", "Address 1 - Label", "Address 1 - Formatted",
		"Address 1 - Street", "Address 1 - City", "Address 1 - PO Box", "Address 1 - Region",
		"Address 1 - Postal Code", "Address 1 - Country", "Address 1 - Extended Address",
		"Relation 1 - Label", "Relation 1 - Value", "Website 1 - Label", "Website 1 - Value",
		"Event 1 - Label", "Event 1 - Value", "Custom Field 1 - Label",
		"Custom Field 1 - Value", NULL };
	static const struct want want[] = {
		W("First Name", FIELD_FIRST_NAME), W("Last Name", FIELD_LAST_NAME),
		W("Organization Name", FIELD_COMPANY), W("Labels", FIELD_TAGS),
		W("Phone 1 - Label", FIELD_PHONE_TYPE), P("Phone 1 - Value", ROLE_BY_TYPE),
		W("Phone 2 - Label", FIELD_PHONE_TYPE), P("Phone 2 - Value", ROLE_BY_TYPE),
		W("Phone 3 - Label", FIELD_PHONE_TYPE), P("Phone 3 - Value", ROLE_BY_TYPE),
		W("Address 1 - Country", FIELD_COUNTRY), { NULL, 0, 0 } };
	static const char *const phones[] = { "Phone 1 - Value", "Phone 2 - Value",
					       "Phone 3 - Value", NULL };

	(void)state;
	check_export(names, want, phones, 0);
}

/* Outlook's CSV export (the column list of Microsoft's "Create or edit
 * .csv files to import into Outlook"). */
static void test_outlook(void **state)
{
	static const char *const names[] = {
		"Title", "First Name", "Middle Name", "Last Name", "Suffix", "Company",
		"Department", "Job Title", "Business Street", "Business Street 2",
		"Business Street 3", "Business City", "Business State", "Business Postal Code",
		"Business Country/Region", "Home Street", "Home Street 2", "Home Street 3",
		"Home City", "Home State", "Home Postal Code", "Home Country/Region",
		"Other Street", "Other Street 2", "Other Street 3", "Other City", "Other State",
		"Other Postal Code", "Other Country/Region", "Assistant's Phone", "Business Fax",
		"Business Phone", "Business Phone 2", "Callback", "Car Phone",
		"Company Main Phone", "Home Fax", "Home Phone", "Home Phone 2", "ISDN",
		"Mobile Phone", "Other Fax", "Other Phone", "Pager", "Primary Phone",
		"Radio Phone", "TTY/TDD Phone", "Telex", "Account", "Anniversary",
		"Assistant's Name", "Billing Information", "Birthday", "Business Address PO Box",
		"Categories", "Children", "Directory Server", "E-mail Address", "E-mail Type",
		"E-mail Display Name", "E-mail 2 Address", "E-mail 2 Type",
		"E-mail 2 Display Name", "E-mail 3 Address", "E-mail 3 Type",
		"E-mail 3 Display Name", "Gender", "Government ID Number", "Hobby",
		"Home Address PO Box", "Initials", "Internet Free Busy", "Keywords", "Language",
		"Location", "Manager's Name", "Mileage", "Notes", "Office Location",
		"Organizational ID Number", "Other Address PO Box", "Priority", "Private",
		"Profession", "Referred By", "Sensitivity", "Spouse", "User 1", "User 2",
		"User 3", "User 4", "Web Page", NULL };
	static const struct want want[] = {
		W("First Name", FIELD_FIRST_NAME), W("Last Name", FIELD_LAST_NAME),
		W("Company", FIELD_COMPANY), W("Home Country/Region", FIELD_COUNTRY),
		W("Categories", FIELD_TAGS),
		P("Assistant's Phone", ROLE_OTHER), P("Business Phone", ROLE_WORK),
		P("Business Phone 2", ROLE_WORK), P("Callback", ROLE_OTHER),
		P("Car Phone", ROLE_OTHER), P("Company Main Phone", ROLE_WORK),
		P("Home Phone", ROLE_HOME), P("Home Phone 2", ROLE_HOME), P("ISDN", ROLE_OTHER),
		P("Mobile Phone", ROLE_MOBILE), P("Other Phone", ROLE_OTHER),
		P("Primary Phone", ROLE_GENERIC), P("Radio Phone", ROLE_OTHER),
		{ NULL, 0, 0 } };
	static const char *const phones[] = {
		"Mobile Phone", "Primary Phone", "Home Phone", "Home Phone 2", "Business Phone",
		"Business Phone 2", "Company Main Phone", "Other Phone", "Assistant's Phone",
		"Callback", "Car Phone", "Radio Phone", "ISDN", NULL };

	(void)state;
	check_export(names, want, phones, 0);
}

/* HubSpot's contacts export (its default contact properties' labels). */
static void test_hubspot(void **state)
{
	static const char *const names[] = {
		"Record ID", "First Name", "Last Name", "Email", "Phone Number",
		"Mobile Phone Number", "Fax Number", "Company Name", "Job Title",
		"Street Address", "City", "State/Region", "Postal Code", "Country/Region",
		"Lifecycle Stage", "Lead Status", "Contact owner", "Marketing contact status",
		"Create Date", "Unsubscribed from all email", NULL };
	static const struct want want[] = {
		W("First Name", FIELD_FIRST_NAME), W("Last Name", FIELD_LAST_NAME),
		P("Phone Number", ROLE_GENERIC), P("Mobile Phone Number", ROLE_MOBILE),
		W("Company Name", FIELD_COMPANY), W("Country/Region", FIELD_COUNTRY),
		{ NULL, 0, 0 } };
	static const char *const phones[] = { "Mobile Phone Number", "Phone Number", NULL };

	(void)state;
	check_export(names, want, phones, 1);	/* the e-mail unsubscribe is not used */
}

/* Salesforce contacts as Data Loader exports them (API names of the
 * Contact object reference). */
static void test_salesforce(void **state)
{
	static const char *const names[] = {
		"Id", "AccountId", "LastName", "FirstName", "Salutation", "Name",
		"MailingStreet", "MailingCity", "MailingState", "MailingPostalCode",
		"MailingCountry", "OtherCountry", "Phone", "Fax", "MobilePhone", "HomePhone",
		"OtherPhone", "AssistantPhone", "Email", "Title", "Department", "LeadSource",
		"Birthdate", "HasOptedOutOfEmail", "HasOptedOutOfFax", "DoNotCall", NULL };
	static const struct want want[] = {
		W("LastName", FIELD_LAST_NAME), W("FirstName", FIELD_FIRST_NAME),
		W("Name", FIELD_NAME), W("MailingCountry", FIELD_COUNTRY),
		P("Phone", ROLE_GENERIC), P("MobilePhone", ROLE_MOBILE),
		P("HomePhone", ROLE_HOME), P("OtherPhone", ROLE_OTHER),
		P("AssistantPhone", ROLE_OTHER), W("DoNotCall", FIELD_OPTED_OUT),
		{ NULL, 0, 0 } };
	static const char *const phones[] = { "MobilePhone", "Phone", "HomePhone", "OtherPhone",
					      "AssistantPhone", NULL };

	(void)state;
	check_export(names, want, phones, 2);	/* e-mail and fax opt-outs not used */
}

/* Shopify's customers export (Shopify help: "Using CSV files to import and
 * update customers"). */
static void test_shopify(void **state)
{
	static const char *const names[] = {
		"Customer ID", "First Name", "Last Name", "Email", "Accepts Email Marketing",
		"Default Address Company", "Default Address Address1", "Default Address Address2",
		"Default Address City", "Default Address Province Code",
		"Default Address Country Code", "Default Address Zip", "Default Address Phone",
		"Phone", "Accepts SMS Marketing", "Total Spent", "Total Orders", "Note",
		"Tax Exempt", "Tags", NULL };
	static const struct want want[] = {
		W("First Name", FIELD_FIRST_NAME), W("Last Name", FIELD_LAST_NAME),
		W("Default Address Company", FIELD_COMPANY),
		W("Default Address Country Code", FIELD_COUNTRY),
		P("Default Address Phone", ROLE_OTHER), P("Phone", ROLE_GENERIC),
		W("Accepts SMS Marketing", FIELD_OPTED_OUT), W("Tags", FIELD_TAGS),
		{ NULL, 0, 0 } };
	static const char *const phones[] = { "Phone", "Default Address Phone", NULL };
	struct hdr h;
	struct colmap m;

	(void)state;
	check_export(names, want, phones, 1);	/* e-mail consent not used */
	assert_int_equal(colmap_build(&m, header(&h, names), NULL, "x.csv", NULL), ERR_OK);
	assert_int_equal(m.optout_consent, 1);
	colmap_free(&m);
}

/* Mailchimp's audience export (Email Address, First Name, Last Name,
 * Address, Phone Number, Birthday, then its own columns; TAGS last). CC is
 * Mailchimp's country code but too short a header to trust: custom. */
static void test_mailchimp(void **state)
{
	static const char *const names[] = {
		"Email Address", "First Name", "Last Name", "Address", "Phone Number", "Birthday",
		"MEMBER_RATING", "OPTIN_TIME", "OPTIN_IP", "CONFIRM_TIME", "CONFIRM_IP",
		"LATITUDE", "LONGITUDE", "GMTOFF", "DSTOFF", "TIMEZONE", "CC", "REGION",
		"LAST_CHANGED", "LEID", "EUID", "NOTES", "TAGS", NULL };
	static const struct want want[] = {
		W("First Name", FIELD_FIRST_NAME), W("Last Name", FIELD_LAST_NAME),
		P("Phone Number", ROLE_GENERIC), W("TAGS", FIELD_TAGS), { NULL, 0, 0 } };
	static const char *const phones[] = { "Phone Number", NULL };

	(void)state;
	check_export(names, want, phones, 0);
}

/* Zoho CRM's contacts export (the Contacts module's standard fields). */
static void test_zoho(void **state)
{
	static const char *const names[] = {
		"Contact Owner", "Lead Source", "First Name", "Last Name", "Account Name",
		"Vendor Name", "Email", "Title", "Department", "Phone", "Home Phone",
		"Other Phone", "Fax", "Mobile", "Date of Birth", "Assistant", "Asst Phone",
		"Reports To", "Email Opt Out", "Skype ID", "Secondary Email", "Twitter",
		"Mailing Street", "Other Street", "Mailing City", "Other City", "Mailing State",
		"Other State", "Mailing Zip", "Other Zip", "Mailing Country", "Other Country",
		"Description", NULL };
	static const struct want want[] = {
		W("First Name", FIELD_FIRST_NAME), W("Last Name", FIELD_LAST_NAME),
		W("Account Name", FIELD_COMPANY), W("Mailing Country", FIELD_COUNTRY),
		P("Phone", ROLE_GENERIC), P("Home Phone", ROLE_HOME), P("Other Phone", ROLE_OTHER),
		P("Mobile", ROLE_MOBILE), P("Asst Phone", ROLE_OTHER), { NULL, 0, 0 } };
	static const char *const phones[] = { "Mobile", "Phone", "Home Phone", "Other Phone",
					      "Asst Phone", NULL };

	(void)state;
	check_export(names, want, phones, 1);	/* the e-mail opt-out not used */
}

static void expect_describe(const struct colmap *m, size_t col, const char *text)
{
	struct buf out;

	buf_init(&out, 0);
	assert_int_equal(colmap_describe(m, col, &out), ERR_OK);
	assert_string_equal(buf_str(&out), text);
	buf_free(&out);
}

/* A value column takes its role per row from its own type column; one
 * without a type column is a plain phone column; numbered headers match
 * their words. */
static void test_typed_pairs(void **state)
{
	static const char *const names[] = { "Phone 1 - Type", "Phone 1 - Value",
					      "Phone 2 - Value", "Phone 2 - Label",
					      "Phone 3 - Value", "Mobile 2", "Business Phone 2",
					      "Phone 4 - Type", NULL };
	struct hdr h;
	struct colmap m;
	struct errinfo info = { 0 };

	(void)state;
	assert_int_equal(colmap_build(&m, header(&h, names), NULL, "f.csv", &info), ERR_OK);
	assert_int_equal(m.field[0], FIELD_PHONE_TYPE);
	assert_int_equal(m.role[1], ROLE_BY_TYPE);
	assert_int_equal(m.type_col[1], 0);
	assert_int_equal(m.role[2], ROLE_BY_TYPE);
	assert_int_equal(m.type_col[2], 3);
	assert_int_equal(m.field[3], FIELD_PHONE_TYPE);
	assert_int_equal(m.field[4], FIELD_PHONE);
	assert_int_equal(m.role[4], ROLE_GENERIC);
	assert_int_equal(m.type_col[4], -1);
	assert_int_equal(m.role[5], ROLE_MOBILE);
	assert_int_equal(m.role[6], ROLE_WORK);
	assert_int_equal(m.field[7], FIELD_CUSTOM);	/* a type without a value */
	assert_null(m.key[0]);				/* type cells are not pushed */
	assert_string_equal(m.key[1], "Phone 1 - Value");
	expect_describe(&m, 1, "phone (type from 'Phone 1 - Type')");
	expect_describe(&m, 0, "phone type of 'Phone 1 - Value'");
	expect_describe(&m, 5, "phone (mobile)");
	/* mobile first; the by-type and generic ones by column */
	assert_int_equal(m.phones[0], 5);
	assert_int_equal(m.phones[1], 1);
	assert_int_equal(m.phones[2], 2);
	assert_int_equal(m.phones[3], 4);
	assert_int_equal(m.phones[4], 6);
	assert_int_equal(m.nphones, 5);
	colmap_free(&m);
}

static void test_role_of_type(void **state)
{
	static const struct {
		const char *cell;
		enum phone_role role;
	} cases[] = {
		{ "Mobile", ROLE_MOBILE }, { "* Mobile", ROLE_MOBILE }, { "cell", ROLE_MOBILE },
		{ "iPhone", ROLE_MOBILE }, { "M\xc3\xb3vil", ROLE_MOBILE }, { "Home", ROLE_HOME },
		{ "* Home", ROLE_HOME }, { "Work", ROLE_WORK }, { "Business", ROLE_WORK },
		{ "Main", ROLE_GENERIC }, { "Other", ROLE_OTHER }, { "Home Fax", ROLE_FAX },
		{ "Work Fax", ROLE_FAX }, { "Fax", ROLE_FAX }, { "Pager", ROLE_FAX },
		{ "Grandma's", ROLE_OTHER }, { "a label far too long to be any known word", ROLE_OTHER },
		{ "", ROLE_GENERIC }, { " * ", ROLE_GENERIC },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (colmap_role_of_type(cases[i].cell, strlen(cases[i].cell)) != cases[i].role)
			fail_msg("'%s' is not %s", cases[i].cell, colmap_role_name(cases[i].role));
	assert_string_equal(colmap_role_name(ROLE_GENERIC), "phone");
	assert_string_equal(colmap_role_name(ROLE_BY_TYPE), "by type");
}

/* Fax and pager columns are never a number to text: kept as custom. */
static void test_fax_excluded(void **state)
{
	static const char *const names[] = { "Phone", "Fax", "Pager", "Business Fax", NULL };
	struct hdr h;
	struct colmap m;

	(void)state;
	assert_int_equal(colmap_build(&m, header(&h, names), NULL, "f.csv", NULL), ERR_OK);
	assert_int_equal(m.nphones, 1);
	assert_int_equal(m.field[1], FIELD_CUSTOM);
	assert_int_equal(m.field[2], FIELD_CUSTOM);
	assert_int_equal(m.field[3], FIELD_CUSTOM);
	assert_string_equal(m.key[1], "Fax");
	expect_describe(&m, 1, "custom 'Fax' (fax: never a contact's number)");
	expect_describe(&m, 0, "phone (phone)");
	colmap_free(&m);
	/* a fax alone is no phone column */
	assert_int_equal(colmap_build(&m, header(&h, names + 1), NULL, "f.csv", NULL), ERR_CONFIG);
}

/* The SMS-specific opt-out beats the generic one, which is said. */
static void test_two_optouts(void **state)
{
	static const char *const names[] = { "Phone", "Unsubscribed", "SMS Opt Out", NULL };
	struct hdr h;
	struct colmap m;

	(void)state;
	assert_int_equal(colmap_build(&m, header(&h, names), NULL, "file", NULL), ERR_OK);
	assert_int_equal(m.col[FIELD_OPTED_OUT], 2);
	assert_int_equal(m.optout_consent, 0);
	assert_int_equal(m.field[1], FIELD_CUSTOM);
	assert_string_equal(m.key[1], "Unsubscribed");
	assert_int_equal(m.nwarnings, 1);
	assert_string_equal(m.warnings[0],
			    "'file': column 'Unsubscribed' looks like an opt-out column but 'SMS Opt Out' "
			    "is used; map it with --map opted_out=COLUMN if that is wrong");
	expect_describe(&m, 2, "opted_out");
	colmap_free(&m);
}

/* An SMS consent column beats a generic opt-out and is read inverted;
 * Shopify's e-mail consent is never the opt-out. */
static void test_consent(void **state)
{
	static const char *const names[] = { "Phone", "Accepts Email Marketing", "Unsubscribed",
					     "Accepts SMS Marketing", NULL };
	const struct colmap_override ov[] = { { "opted_out", "Unsubscribed" } };
	const struct colmap_opts o = { .maps = ov, .nmaps = 1 };
	struct hdr h;
	struct colmap m;

	(void)state;
	assert_int_equal(colmap_build(&m, header(&h, names), NULL, "f.csv", NULL), ERR_OK);
	assert_int_equal(m.col[FIELD_OPTED_OUT], 3);
	assert_int_equal(m.optout_consent, 1);
	expect_describe(&m, 3, "opted_out (consent: read inverted)");
	expect_describe(&m, 1, "custom 'Accepts Email Marketing' (e-mail or fax, not SMS: not used as the opt-out)");
	assert_int_equal(m.nwarnings, 2);
	assert_non_null(strstr(m.warnings[0], "column 'Accepts Email Marketing' is about e-mail or fax, not SMS"));
	assert_non_null(strstr(m.warnings[1], "column 'Unsubscribed' looks like an opt-out column but "
					      "'Accepts SMS Marketing' is used"));
	colmap_free(&m);
	/* --map undoes the choice; the plain opt-out is read as it is */
	assert_int_equal(colmap_build(&m, header(&h, names), &o, "f.csv", NULL), ERR_OK);
	assert_int_equal(m.col[FIELD_OPTED_OUT], 2);
	assert_int_equal(m.optout_consent, 0);
	assert_int_equal(m.field[3], FIELD_CUSTOM);
	assert_non_null(strstr(m.warnings[1], "column 'Accepts SMS Marketing' looks like a consent column "
					      "but 'Unsubscribed' is used"));
	colmap_free(&m);
}

/* --map custom:KEY and --map phone. */
static void test_map_custom_and_phone(void **state)
{
	static const char *const names[] = { "Mobile", "Home Phone", "Lead Source", "Cell", NULL };
	const struct colmap_override ov[] = {
		{ "custom:Source", "Lead Source" },
		{ "phone", "Home Phone" },
		{ "custom:cell_number", "Cell" },	/* a phone-looking column kept as custom */
	};
	const struct colmap_opts o = { .maps = ov, .nmaps = 3 };
	struct hdr h;
	struct colmap m;

	(void)state;
	assert_int_equal(colmap_build(&m, header(&h, names), &o, "f.csv", NULL), ERR_OK);
	assert_int_equal(m.field[2], FIELD_CUSTOM);
	assert_string_equal(m.key[2], "Source");
	expect_describe(&m, 2, "custom 'Source' (--map)");
	assert_int_equal(m.field[3], FIELD_CUSTOM);
	assert_string_equal(m.key[3], "cell_number");
	/* the named phone column first, as mobile; the others after it */
	assert_int_equal(m.nphones, 2);
	assert_int_equal(m.phones[0], 1);
	assert_int_equal(m.phones[1], 0);
	assert_int_equal(m.role[1], ROLE_MOBILE);
	expect_describe(&m, 1, "phone (mobile, --map)");
	colmap_free(&m);
}

static void test_check_field(void **state)
{
	static const struct {
		const char *name, *near;	/* near NULL: accepted */
	} cases[] = {
		{ "first_nme", "first_name" }, { "phon", "phone" }, { "optedout", "opted_out" },
		{ "lastname", "last_name" }, { "First Name", "first_name" }, { "nmae", "name" },
		{ "tag", "tags" }, { "Phone", "phone" }, { "contry", "country" },
		{ "phone", NULL }, { "opted_out", NULL }, { "company_name", NULL },
		{ "date", NULL }, { "note", NULL }, { "notes", NULL }, { "email", NULL },
		{ "who", NULL }, { "custom:first_nme", NULL }, { "custom:phone", NULL },
	};
	struct errinfo info;
	char want[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&info, 0, sizeof(info));
		if (!cases[i].near) {
			if (colmap_check_field(cases[i].name, &info))
				fail_msg("'%s' refused: %s", cases[i].name, info.msg);
			continue;
		}
		assert_int_equal(colmap_check_field(cases[i].name, &info), ERR_USAGE);
		snprintf(want, sizeof(want), "--map %s=...: unknown field '%s'; did you mean '%s'? "
			 "(a custom field is named custom:%s)", cases[i].name, cases[i].name,
			 cases[i].near, cases[i].name);
		assert_string_equal(info.msg, want);
	}
	assert_int_equal(colmap_check_field("custom:", &info), ERR_USAGE);
}

static void test_columns_and_ignore(void **state)
{
	static const char *const names[] = { "Phone", "Mobile", "Email", "Lead Source", "Country",
					     "Fax", "Tags", NULL };
	static const char *const columns[] = { "Email", "mobile" };
	static const char *const ignore[] = { "Country", "Nope", "Lead Source" };
	const struct colmap_opts allow = { .columns = columns, .ncolumns = 2 };
	const struct colmap_opts deny = { .ignore = ignore, .nignore = 3 };
	struct hdr h;
	struct colmap m;

	(void)state;
	assert_int_equal(colmap_build(&m, header(&h, names), &allow, "f.csv", NULL), ERR_OK);
	assert_int_equal(m.field[2], FIELD_CUSTOM);
	assert_int_equal(m.field[3], FIELD_IGNORED);
	assert_int_equal(m.field[5], FIELD_IGNORED);	/* a fax column is custom too */
	assert_int_equal(m.col[FIELD_COUNTRY], 4);	/* standard fields are not custom */
	assert_int_equal(m.col[FIELD_TAGS], 6);
	assert_null(m.key[0]);				/* "Phone" numbers not kept */
	assert_string_equal(m.key[1], "Mobile");	/* loose match of "mobile" */
	assert_int_equal(m.nphones, 2);
	expect_describe(&m, 3, "ignored (not in --columns)");
	expect_describe(&m, 0, "phone (phone; its numbers are not kept)");
	assert_int_equal(m.nwarnings, 0);
	colmap_free(&m);

	assert_int_equal(colmap_build(&m, header(&h, names), &deny, "f.csv", NULL), ERR_OK);
	assert_int_equal(m.field[4], FIELD_IGNORED);
	assert_int_equal(m.col[FIELD_COUNTRY], -1);	/* the field is not read */
	assert_int_equal(m.field[3], FIELD_IGNORED);
	assert_null(m.key[3]);
	assert_string_equal(m.key[2], "Email");
	assert_string_equal(m.key[0], "Phone");
	expect_describe(&m, 4, "ignored (--ignore)");
	assert_int_equal(m.nwarnings, 1);
	assert_string_equal(m.warnings[0], "'f.csv': --ignore 'Nope' matches no column");
	colmap_free(&m);
}

/* An ignored phone column is not read at all ("neither read nor pushed"),
 * unless --map named it. */
static void test_ignore_phone_column(void **state)
{
	static const char *const names[] = { "Name", "Phone", "Value", NULL };
	static const char *const ignore[] = { "Phone" };
	static const struct colmap_override ov[] = { { "phone", "Value" } };
	static const struct colmap_override ov2[] = { { "phone", "Phone" } };
	const struct colmap_opts deny = { .maps = ov, .nmaps = 1, .ignore = ignore, .nignore = 1 };
	const struct colmap_opts mapped = { .maps = ov2, .nmaps = 1, .ignore = ignore, .nignore = 1 };
	struct hdr h;
	struct colmap m;

	(void)state;
	assert_int_equal(colmap_build(&m, header(&h, names), &deny, "f.csv", NULL), ERR_OK);
	assert_int_equal(m.field[1], FIELD_IGNORED);
	assert_int_equal(m.nphones, 1);
	assert_int_equal(m.phones[0], 2);
	colmap_free(&m);
	assert_int_equal(colmap_build(&m, header(&h, names), &mapped, "f.csv", NULL), ERR_OK);
	assert_int_equal(m.field[1], FIELD_PHONE);	/* named: read, its numbers not kept */
	assert_null(m.key[1]);
	colmap_free(&m);
}

/* Google's 57 columns, none a phone: the hint must survive errinfo's 512
 * bytes, so it comes first and the list is cut. */
static void test_long_header_hint(void **state)
{
	static char cells[57][16];
	const char *names[58];
	struct hdr h;
	struct colmap m;
	struct errinfo info = { 0 };
	size_t i;

	(void)state;
	for (i = 0; i < 57; i++) {
		snprintf(cells[i], sizeof(cells[i]), "Column Title %zu", i + 1);
		names[i] = cells[i];
	}
	names[57] = NULL;
	assert_int_equal(colmap_build(&m, header(&h, names), NULL, "google.csv", &info), ERR_CONFIG);
	assert_non_null(strstr(info.msg, "'google.csv': no phone column found; name it with "
					 "--map phone=COLUMN (columns: 'Column Title 1', "));
	assert_non_null(strstr(info.msg, "'Column Title 12' ... and 45 more)"));
	assert_null(strstr(info.msg, "'Column Title 13'"));
}

/* Sixty long headers: fewer are listed, each ends at a word, and the
 * message ends whole, never cut by errinfo's 512 bytes. */
static void test_long_headers_listed_whole(void **state)
{
	static char cells[60][64];
	const char *names[61];
	struct hdr h;
	struct colmap m;
	struct errinfo info = { 0 };
	size_t i, len;

	(void)state;
	for (i = 0; i < 60; i++) {
		snprintf(cells[i], sizeof(cells[i]), "A very long column header number %zu that goes on",
			 i);
		names[i] = cells[i];
	}
	names[60] = NULL;
	assert_int_equal(colmap_build(&m, header(&h, names), NULL, "f.csv", &info), ERR_CONFIG);
	len = strlen(info.msg);
	assert_true(len < sizeof(info.msg) - 1);
	assert_string_equal(info.msg + len - 5, "more)");
	assert_non_null(strstr(info.msg, "'A very long column header number 0 that...'"));
	assert_non_null(strstr(info.msg, "--map phone=COLUMN (columns: "));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_synonyms),
		cmocka_unit_test(test_strongest_synonym_wins),
		cmocka_unit_test(test_overrides),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_hostile_headers),
		cmocka_unit_test(test_repeated_and_empty_headers),
		cmocka_unit_test(test_field_names),
		cmocka_unit_test(test_google_old),
		cmocka_unit_test(test_google_new),
		cmocka_unit_test(test_outlook),
		cmocka_unit_test(test_hubspot),
		cmocka_unit_test(test_salesforce),
		cmocka_unit_test(test_shopify),
		cmocka_unit_test(test_mailchimp),
		cmocka_unit_test(test_zoho),
		cmocka_unit_test(test_typed_pairs),
		cmocka_unit_test(test_role_of_type),
		cmocka_unit_test(test_fax_excluded),
		cmocka_unit_test(test_two_optouts),
		cmocka_unit_test(test_consent),
		cmocka_unit_test(test_map_custom_and_phone),
		cmocka_unit_test(test_check_field),
		cmocka_unit_test(test_columns_and_ignore),
		cmocka_unit_test(test_ignore_phone_column),
		cmocka_unit_test(test_long_header_hint),
		cmocka_unit_test(test_long_headers_listed_whole),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
