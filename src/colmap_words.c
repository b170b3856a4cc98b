/*
 * colmap_words: the header words of real exports and the words of a phone
 * type cell (see colmap_words.h). Sources of the export headers:
 *
 *   Google Contacts, "Google CSV" (before 2023): Name, Given Name, Family
 *     Name, Group Membership, Phone 1 - Type / Phone 1 - Value,
 *     Organization 1 - Name, Address 1 - Country ...
 *   Google Contacts, newer CSV (2023 on): First Name, Middle Name, Last
 *     Name, Organization Name, Labels, Phone 1 - Label / Phone 1 - Value,
 *     Address 1 - Country ...
 *   Outlook (desktop "Outlook CSV" and Google's "Outlook CSV"): First Name,
 *     Last Name, Company, Business Phone, Business Phone 2, Home Phone, Home
 *     Phone 2, Mobile Phone, Car Phone, Company Main Phone, Assistant's
 *     Phone, Callback, Other Phone, Primary Phone, Radio Phone, ISDN,
 *     Business Fax, Home Fax, Other Fax, Pager, TTY/TDD Phone, Telex,
 *     Business Country/Region, Home Country/Region, Categories (Microsoft's
 *     "Create or edit .csv files to import into Outlook"); Outlook.com
 *     writes the same names in sentence case ("Mobile phone").
 *   HubSpot contacts export: First Name, Last Name, Phone Number, Mobile
 *     Phone Number, Fax Number, Company Name, Country/Region, and the
 *     e-mail subscription column "Unsubscribed from all email".
 *   Salesforce Contact (field labels / API names of the object reference):
 *     Mobile / MobilePhone, Business Phone / Phone, Home Phone / HomePhone,
 *     Other Phone / OtherPhone, Asst. Phone / AssistantPhone, Business Fax
 *     / Fax, Account Name, Mailing Country / MailingCountry, Do Not Call /
 *     DoNotCall, Email Opt Out / HasOptedOutOfEmail, Fax Opt Out /
 *     HasOptedOutOfFax.
 *   Shopify customers export: First Name, Last Name, Email, Accepts Email
 *     Marketing, Default Address Company, Default Address Country Code,
 *     Default Address Phone, Phone, Accepts SMS Marketing, Tags (older
 *     files: Company, Country, Country Code, Accepts Marketing).
 *   Mailchimp audience export: Email Address, First Name, Last Name, Phone
 *     Number, TAGS (merge tags FNAME, LNAME, PHONE in API-shaped files).
 *   Zoho CRM contacts: First Name, Last Name, Account Name, Phone, Mobile,
 *     Home Phone, Other Phone, Asst Phone, Fax, Email Opt Out, Mailing
 *     Country.
 */
#include "colmap_words.h"

#include <string.h>

#define PH(k, r) { k, FIELD_PHONE, r, WORD_FIELD }
#define FAX(k) { k, FIELD_CUSTOM, ROLE_FAX, WORD_FAX }
#define F(k, f) { k, f, ROLE_GENERIC, WORD_FIELD }
#define CONSENT(k) { k, FIELD_OPTED_OUT, ROLE_GENERIC, WORD_CONSENT }
#define NOT_SMS(k) { k, FIELD_OPTED_OUT, ROLE_GENERIC, WORD_NOT_SMS }

static const struct colmap_word words[] = {
	/* Mobile. Outlook "Mobile Phone", HubSpot "Mobile Phone Number",
	 * Salesforce/Zoho "Mobile" and "MobilePhone", plus the plain words
	 * and their German, French, Spanish, Portuguese, Italian forms. */
	PH("mobile", ROLE_MOBILE),
	PH("mobilephone", ROLE_MOBILE),
	PH("mobilephonenumber", ROLE_MOBILE),
	PH("mobilenumber", ROLE_MOBILE),
	PH("cell", ROLE_MOBILE),
	PH("cellphone", ROLE_MOBILE),
	PH("cellphonenumber", ROLE_MOBILE),
	PH("cellnumber", ROLE_MOBILE),
	PH("cellular", ROLE_MOBILE),
	PH("smsnumber", ROLE_MOBILE),
	PH("iphone", ROLE_MOBILE),
	PH("handy", ROLE_MOBILE),
	PH("mobil", ROLE_MOBILE),
	PH("portable", ROLE_MOBILE),
	PH("móvil", ROLE_MOBILE),
	PH("movil", ROLE_MOBILE),
	PH("celular", ROLE_MOBILE),
	PH("cellulare", ROLE_MOBILE),
	/* Generic. Shopify, Zoho and Salesforce "Phone" (Salesforce's is the
	 * business phone, but the file does not say so), HubSpot and Mailchimp
	 * "Phone Number", Outlook "Primary Phone". */
	PH("phone", ROLE_GENERIC),
	PH("phonenumber", ROLE_GENERIC),
	PH("telephone", ROLE_GENERIC),
	PH("telephonenumber", ROLE_GENERIC),
	PH("tel", ROLE_GENERIC),
	PH("primaryphone", ROLE_GENERIC),
	PH("mainphone", ROLE_GENERIC),
	PH("msisdn", ROLE_GENERIC),
	PH("contactnumber", ROLE_GENERIC),
	PH("phoneno", ROLE_GENERIC),
	PH("number", ROLE_GENERIC),
	/* Home: Outlook "Home Phone", "Home Phone 2"; Salesforce, Zoho. */
	PH("homephone", ROLE_HOME),
	PH("hometelephone", ROLE_HOME),
	PH("home", ROLE_HOME),
	/* Work: Outlook "Business Phone", "Business Phone 2", "Company Main
	 * Phone". */
	PH("businessphone", ROLE_WORK),
	PH("workphone", ROLE_WORK),
	PH("officephone", ROLE_WORK),
	PH("companymainphone", ROLE_WORK),
	PH("companyphone", ROLE_WORK),
	PH("businesstelephone", ROLE_WORK),
	/* Other: Outlook "Other Phone", "Assistant's Phone", "Callback", "Car
	 * Phone" (a car's phone is not one to text), "Radio Phone", "ISDN";
	 * Salesforce "Asst. Phone", Zoho "Asst Phone"; Shopify "Default
	 * Address Phone" (the phone of an address, not the customer's). */
	PH("otherphone", ROLE_OTHER),
	PH("assistantsphone", ROLE_OTHER),
	PH("assistantphone", ROLE_OTHER),
	PH("asstphone", ROLE_OTHER),
	PH("callback", ROLE_OTHER),
	PH("carphone", ROLE_OTHER),
	PH("radiophone", ROLE_OTHER),
	PH("isdn", ROLE_OTHER),
	PH("defaultaddressphone", ROLE_OTHER),
	PH("billingphone", ROLE_OTHER),
	PH("shippingphone", ROLE_OTHER),
	/* Never a contact's number: Outlook's faxes, pager, TTY/TDD, telex;
	 * HubSpot "Fax Number"; Salesforce and Zoho "Fax". */
	FAX("fax"),
	FAX("faxnumber"),
	FAX("businessfax"),
	FAX("homefax"),
	FAX("otherfax"),
	FAX("workfax"),
	FAX("pager"),
	FAX("ttytddphone"),
	FAX("telex"),

	/* First name: Outlook, HubSpot, Shopify, Mailchimp, Zoho, Google's new
	 * CSV "First Name"; Google's old CSV "Given Name"; Salesforce
	 * "FirstName"; Mailchimp's merge tag FNAME; an address's first name
	 * (Shopify, billing) only when there is no better one. */
	F("firstname", FIELD_FIRST_NAME),
	F("givenname", FIELD_FIRST_NAME),
	F("forename", FIELD_FIRST_NAME),
	F("fname", FIELD_FIRST_NAME),
	F("defaultaddressfirstname", FIELD_FIRST_NAME),
	F("billingfirstname", FIELD_FIRST_NAME),
	/* Last name: likewise ("Family Name" in Google's old CSV). */
	F("lastname", FIELD_LAST_NAME),
	F("surname", FIELD_LAST_NAME),
	F("familyname", FIELD_LAST_NAME),
	F("lname", FIELD_LAST_NAME),
	F("defaultaddresslastname", FIELD_LAST_NAME),
	F("billinglastname", FIELD_LAST_NAME),
	/* Full name: Google's old CSV "Name", Salesforce "Full Name". Middle
	 * names stay custom. */
	F("name", FIELD_NAME),
	F("fullname", FIELD_NAME),
	F("displayname", FIELD_NAME),
	F("contactname", FIELD_NAME),
	F("customername", FIELD_NAME),
	/* Company: Outlook and old Shopify "Company", HubSpot "Company Name",
	 * Google's new "Organization Name" and old "Organization 1 - Name",
	 * Salesforce and Zoho "Account Name"; Shopify's "Default Address
	 * Company" is an address's and comes last. */
	F("company", FIELD_COMPANY),
	F("companyname", FIELD_COMPANY),
	F("organization", FIELD_COMPANY),
	F("organisation", FIELD_COMPANY),
	F("organizationname", FIELD_COMPANY),
	F("organisationname", FIELD_COMPANY),
	F("organization1name", FIELD_COMPANY),
	F("accountname", FIELD_COMPANY),
	F("employer", FIELD_COMPANY),
	F("defaultaddresscompany", FIELD_COMPANY),
	F("billingcompany", FIELD_COMPANY),
	/* Tags: Shopify "Tags", Mailchimp "TAGS", Google's new "Labels" and old
	 * "Group Membership", Outlook "Categories". */
	F("tags", FIELD_TAGS),
	F("labels", FIELD_TAGS),
	F("groups", FIELD_TAGS),
	F("groupmembership", FIELD_TAGS),
	F("categories", FIELD_TAGS),
	F("segments", FIELD_TAGS),
	F("lists", FIELD_TAGS),
	/* Opt-out, strongest first: an SMS opt-out (HubSpot-style "SMS Opt
	 * Out"), an SMS consent (Shopify "Accepts SMS Marketing": inverted),
	 * a generic opt-out (Salesforce "Do Not Call"), a generic consent. */
	F("smsoptout", FIELD_OPTED_OUT),
	F("optoutsms", FIELD_OPTED_OUT),
	F("smsoptedout", FIELD_OPTED_OUT),
	F("hasoptedoutofsms", FIELD_OPTED_OUT),
	F("smsunsubscribed", FIELD_OPTED_OUT),
	F("donottext", FIELD_OPTED_OUT),
	F("donotsms", FIELD_OPTED_OUT),
	F("smsblacklist", FIELD_OPTED_OUT),
	F("smsblacklisted", FIELD_OPTED_OUT),
	F("textoptout", FIELD_OPTED_OUT),
	CONSENT("acceptssmsmarketing"),
	CONSENT("smsmarketingconsent"),
	CONSENT("smsconsent"),
	CONSENT("smsoptin"),
	CONSENT("optinsms"),
	CONSENT("smsoptedin"),
	CONSENT("smssubscribed"),
	F("optedout", FIELD_OPTED_OUT),
	F("optout", FIELD_OPTED_OUT),
	F("unsubscribed", FIELD_OPTED_OUT),
	F("donotcontact", FIELD_OPTED_OUT),
	F("donotcall", FIELD_OPTED_OUT),
	F("dnc", FIELD_OPTED_OUT),
	F("stop", FIELD_OPTED_OUT),
	F("blacklisted", FIELD_OPTED_OUT),
	CONSENT("optedin"),
	CONSENT("optin"),
	CONSENT("subscribed"),
	/* Not about SMS, never used: Salesforce/Zoho "Email Opt Out" and "Fax
	 * Opt Out", HubSpot "Unsubscribed from all email", Shopify "Accepts
	 * Email Marketing" (older files: "Accepts Marketing", e-mail too). */
	NOT_SMS("emailoptout"),
	NOT_SMS("hasoptedoutofemail"),
	NOT_SMS("emailoptedout"),
	NOT_SMS("emailunsubscribed"),
	NOT_SMS("unsubscribedfromallemail"),
	NOT_SMS("faxoptout"),
	NOT_SMS("hasoptedoutoffax"),
	NOT_SMS("acceptsemailmarketing"),
	NOT_SMS("acceptsmarketing"),
	NOT_SMS("emailconsent"),
	NOT_SMS("emailmarketingconsent"),
	/* Country: a code beats a name (the field takes ISO codes);
	 * Shopify "Default Address Country Code" and older "Country Code",
	 * Outlook "Country/Region" ("Home Country/Region", "Business ..."),
	 * HubSpot "Country/Region", Salesforce and Zoho "Mailing Country",
	 * Google "Address 1 - Country". */
	F("countrycode", FIELD_COUNTRY),
	F("defaultaddresscountrycode", FIELD_COUNTRY),
	F("country", FIELD_COUNTRY),
	F("countryregion", FIELD_COUNTRY),
	F("mailingcountry", FIELD_COUNTRY),
	F("address1country", FIELD_COUNTRY),
	F("homecountryregion", FIELD_COUNTRY),
	F("homecountry", FIELD_COUNTRY),
	F("businesscountryregion", FIELD_COUNTRY),
	F("businesscountry", FIELD_COUNTRY),
	F("billingcountry", FIELD_COUNTRY),
	F("defaultaddresscountry", FIELD_COUNTRY),
	F("othercountryregion", FIELD_COUNTRY),
	F("othercountry", FIELD_COUNTRY),
};

#define NWORDS (sizeof(words) / sizeof(words[0]))

/*
 * The words of a type cell (Google's "Phone 1 - Type" or "- Label",
 * Outlook.com, vCard TYPE=): what is not here is a custom label, "other".
 */
static const struct type_word {
	const char *key;
	enum phone_role role;
} type_words[] = {
	{ "mobile", ROLE_MOBILE },
	{ "cell", ROLE_MOBILE },
	{ "cellular", ROLE_MOBILE },
	{ "mobilephone", ROLE_MOBILE },
	{ "cellphone", ROLE_MOBILE },
	{ "iphone", ROLE_MOBILE },
	{ "text", ROLE_MOBILE },	/* vCard 4: takes text messages */
	{ "handy", ROLE_MOBILE },
	{ "mobil", ROLE_MOBILE },
	{ "movil", ROLE_MOBILE },
	{ "celular", ROLE_MOBILE },
	{ "main", ROLE_GENERIC },
	{ "phone", ROLE_GENERIC },
	{ "voice", ROLE_GENERIC },
	{ "pref", ROLE_GENERIC },
	{ "primary", ROLE_GENERIC },
	{ "home", ROLE_HOME },
	{ "homephone", ROLE_HOME },
	{ "personal", ROLE_HOME },
	{ "work", ROLE_WORK },
	{ "business", ROLE_WORK },
	{ "businessphone", ROLE_WORK },
	{ "workphone", ROLE_WORK },
	{ "office", ROLE_WORK },
	{ "companymain", ROLE_WORK },
	{ "other", ROLE_OTHER },
	{ "fax", ROLE_FAX },
	{ "homefax", ROLE_FAX },
	{ "workfax", ROLE_FAX },
	{ "businessfax", ROLE_FAX },
	{ "otherfax", ROLE_FAX },
	{ "pager", ROLE_FAX },
	{ "tty", ROLE_FAX },
	{ "ttytdd", ROLE_FAX },
	{ "textphone", ROLE_FAX },
	{ "modem", ROLE_FAX },
};

#define NTYPES (sizeof(type_words) / sizeof(type_words[0]))

static const struct colmap_word *find_exact(const char *key, size_t len, size_t *rank)
{
	size_t i;

	for (i = 0; i < NWORDS; i++)
		if (strlen(words[i].key) == len && !memcmp(words[i].key, key, len)) {
			*rank = i;
			return &words[i];
		}
	return NULL;
}

const struct colmap_word *colmap_word_find(const char *key, size_t *rank)
{
	const struct colmap_word *w;
	size_t len = strlen(key), n = len;

	if ((w = find_exact(key, len, rank)))
		return w;
	while (n > 0 && key[n - 1] >= '0' && key[n - 1] <= '9')
		n--;
	if (n == len || n == 0)
		return NULL;
	w = find_exact(key, n, rank);
	if (w && (w->field == FIELD_PHONE || w->kind == WORD_FAX))
		return w;
	return NULL;
}

#define TYPE_KEY_MAX 24

/* The cell's letters and digits, ASCII ones lower-cased: "* Mobile" →
 * "mobile", "Work Fax" → "workfax". 0 when too long to be a known word. */
static size_t type_key(const char *s, size_t len, char *out)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		else if (!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') && c < 0x80)
			continue;
		if (n == TYPE_KEY_MAX)
			return TYPE_KEY_MAX + 1;
		out[n++] = (char)c;
	}
	return n;
}

enum phone_role colmap_role_of_type(const char *s, size_t len)
{
	char key[TYPE_KEY_MAX];
	size_t i, n = type_key(s, len, key);

	if (!n)
		return ROLE_GENERIC;
	if (n > TYPE_KEY_MAX)
		return ROLE_OTHER;
	if (n == 6 && !memcmp(key, "m\xc3\xb3vil", 6))
		return ROLE_MOBILE;	/* "móvil", precomposed */
	for (i = 0; i < NTYPES; i++)
		if (strlen(type_words[i].key) == n && !memcmp(type_words[i].key, key, n))
			return type_words[i].role;
	return ROLE_OTHER;
}

const char *colmap_role_name(enum phone_role r)
{
	static const char *const names[] = {
		[ROLE_MOBILE] = "mobile",
		[ROLE_GENERIC] = "phone",
		[ROLE_HOME] = "home",
		[ROLE_WORK] = "work",
		[ROLE_OTHER] = "other",
		[ROLE_FAX] = "fax",
		[ROLE_BY_TYPE] = "by type",
	};

	return (unsigned)r < sizeof(names) / sizeof(names[0]) ? names[r] : "?";
}
