/*
 * vcardin: reader of vCard files (2.1, 3.0 and 4.0: what iCloud, iPhones,
 * Android phones and Outlook export). A member of the reader family, used
 * only through it (reader.h: reader_vcard).
 *
 * A vCard file is a list of cards, not a table: the reader makes it one so
 * that the column map (colmap) and the choice of the best number apply
 * unchanged. Row 1 is a header made of the column names colmap already
 * knows ("First Name", "Last Name", "Name", "Company", "Categories",
 * "Mobile Phone", "Mobile Phone 2", "Home Phone", "Business Phone",
 * "Other Phone", "Home Fax", "Business Fax", "Other Fax", "Pager", then the
 * opt-in "E-mail", "E-mail 2" ... and "Note"); card k is row k + 1 (its
 * `line` is the line of its BEGIN:VCARD). The file is read twice: once at
 * open to count how many numbers of each kind the fullest card has (that
 * many numbered columns), once to hand out the rows.
 *
 * What a card gives:
 *   N          family and given names → Last Name, First Name (middle
 *              names, prefixes, suffixes are dropped)
 *   FN         → Name;  ORG: its first component → Company
 *   CATEGORIES → Categories, the tags written as taglist reads them
 *   TEL        → one phone column by its types: CELL, MOBILE, IPHONE, TEXT
 *              mobile; HOME; WORK (Business); FAX (Home, Business, Other
 *              Fax), PAGER, TEXTPHONE/TTY/MODEM: never a contact's number;
 *              VOICE only or no type: Other, unless the group's X-ABLabel
 *              (Apple's "item1.") names the kind. Within a kind the
 *              preferred number (type=pref, PREF, PREF=n) comes first.
 *              A tel: URI loses its scheme; ";ext=N" becomes " ext. N".
 *   EMAIL, NOTE → E-mail columns and Note, custom fields only when
 *              --columns names them (reader.opt_in)
 * Everything else (ADR, BDAY, PHOTO, URL, X-...) is skipped.
 *
 * Lines: LF or CRLF; folded lines (a line starting with a space or a tab
 * continues the previous one) are joined; a QUOTED-PRINTABLE value ending
 * in '=' continues on the next line (2.1's soft line break). Values are
 * decoded in this order: quoted-printable, CHARSET= (any iconv name) to
 * UTF-8, then split into components and list items on unescaped ';' and
 * ',', then unescaped (\, \; \\, and \n as a newline from 3.0 on). Text
 * that is not valid UTF-8 and says no charset is read as Windows-1252.
 *
 * Strict: a line outside a card that is not blank, a content line without
 * ':', a card without END:VCARD, a logical line over VCARDIN_MAX_LINE or a
 * card with more than VCARDIN_MAX_PER_KIND numbers (or e-mails) of one kind
 * are errors naming the line.
 */
#ifndef CONTACTSYNC_VCARDIN_H
#define CONTACTSYNC_VCARDIN_H

#define VCARDIN_MAX_LINE ((size_t)16 << 20)	/* one logical line (a PHOTO) */
#define VCARDIN_MAX_PER_KIND 100		/* numbered columns of one kind */
#define VCARDIN_MAX_PROPS 10000			/* kept properties of one card */

#endif
