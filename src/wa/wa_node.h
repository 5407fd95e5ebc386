/*
 * wa_node: one stanza of WhatsApp's binary XML ("binary node"): a tag,
 * attributes in insertion order, and either nothing, a string, raw bytes
 * or a list of child nodes.  Strings carry their length and are also
 * NUL-terminated; decoded strings may hold NUL bytes (check the length).
 * Attribute values that are JIDs are plain strings ("123:4@lid").
 */
#ifndef WAGW_WA_NODE_H
#define WAGW_WA_NODE_H

#include <stddef.h>

enum wa_content {
	WA_CONTENT_NONE,
	WA_CONTENT_STRING,	/* encoded like an attribute value */
	WA_CONTENT_BYTES,	/* encoded as raw BINARY_8/20/32 */
	WA_CONTENT_LIST		/* children, possibly zero */
};

struct wa_str {
	char	*p;
	size_t	 len;
};

struct wa_attr {
	struct wa_str	 key;
	struct wa_str	 val;
};

struct wa_node {
	struct wa_str	  tag;
	struct wa_attr	 *attrs;
	size_t		  nattrs;
	size_t		  attrcap;
	enum wa_content	  ctype;
	struct wa_str	  data;		/* STRING and BYTES */
	struct wa_node	**kids;		/* LIST */
	size_t		  nkids;
	size_t		  kidcap;
};

/* A node with tag (copied).  Returns NULL on allocation failure. */
struct wa_node *wa_node_new(const char *tag);
/* Same with an explicit length. */
struct wa_node *wa_node_newn(const char *tag, size_t len);
/* Frees n and all its children; NULL is a no-op. */
void wa_node_free(struct wa_node *n);

/* Appends an attribute (both copied).  Returns 0 or -1. */
int wa_node_attr(struct wa_node *n, const char *key, const char *val);
int wa_node_attrn(struct wa_node *n, const char *key, size_t klen,
    const char *val, size_t vlen);
/* The value of attribute key (borrowed), or NULL. */
const struct wa_str *wa_node_get(const struct wa_node *n, const char *key);

/* Sets string or byte content (copied), replacing any content.  0 or -1. */
int wa_node_set_string(struct wa_node *n, const char *s, size_t len);
int wa_node_set_bytes(struct wa_node *n, const void *p, size_t len);
/* Makes the content an (empty) child list.  0 or -1. */
int wa_node_set_list(struct wa_node *n);
/*
 * Appends child (ownership passes to n, even on failure, when it is
 * freed).  Makes the content a list.  Returns 0 or -1.
 */
int wa_node_add(struct wa_node *n, struct wa_node *child);
/* The first child with tag, or NULL (borrowed). */
struct wa_node *wa_node_child(const struct wa_node *n, const char *tag);

#endif
