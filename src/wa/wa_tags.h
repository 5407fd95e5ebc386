/* wa_tags: the type bytes of the binary node format (internal). */
#ifndef WAGW_WA_TAGS_H
#define WAGW_WA_TAGS_H

enum wa_tag {
	WA_TAG_LIST_EMPTY	= 0,
	WA_TAG_DICTIONARY_0	= 236,
	WA_TAG_DICTIONARY_3	= 239,
	WA_TAG_INTEROP_JID	= 245,
	WA_TAG_FB_JID		= 246,
	WA_TAG_AD_JID		= 247,
	WA_TAG_LIST_8		= 248,
	WA_TAG_LIST_16		= 249,
	WA_TAG_JID_PAIR		= 250,
	WA_TAG_HEX_8		= 251,
	WA_TAG_BINARY_8		= 252,
	WA_TAG_BINARY_20	= 253,
	WA_TAG_BINARY_32	= 254,
	WA_TAG_NIBBLE_8		= 255
};

#define WA_PACKED_MAX	127
#define WA_LIST_MAX	65535

#endif
