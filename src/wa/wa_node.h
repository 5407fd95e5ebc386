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
#include <stdint.h>

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
/* The first child with tag, or NULL (borrowed); n may be NULL. */
struct wa_node *wa_node_child(const struct wa_node *n, const char *tag);

/*
 * Builds: appends a new child with tag (and, for _bytes / _string, that
 * content, copied) to n and returns it (borrowed), or NULL when memory
 * ran out.
 */
struct wa_node *wa_node_add_new(struct wa_node *n, const char *tag);
struct wa_node *wa_node_add_bytes(struct wa_node *n, const char *tag,
    const void *p, size_t len);
struct wa_node *wa_node_add_string(struct wa_node *n, const char *tag,
    const char *s);

/* Reading what a server sent (all borrowed, never NULL-dereferencing). */
/* Nonzero when n's tag is tag. */
int wa_node_is(const struct wa_node *n, const char *tag);
/* Nonzero when s holds exactly the bytes of the C string lit. */
int wa_str_eq(const struct wa_str *s, const char *lit);
/*
 * The value of attribute key as a C string, or NULL when it is absent or
 * holds a NUL byte (so strcmp and printf see all of it).
 */
const char *wa_node_cstr(const struct wa_node *n, const char *key);
/* Nonzero when attribute key exists and equals lit. */
int wa_node_attr_is(const struct wa_node *n, const char *key,
    const char *lit);
/*
 * Attribute key as a decimal integer (no sign, no leading zeros, at most
 * max).  Returns 0 with *v set, or -1 when absent or malformed.
 */
int wa_node_uint(const struct wa_node *n, const char *key, uint64_t max,
    uint64_t *v);
/*
 * The content of n when it is bytes or a string (a server sends both
 * forms for the same field), else NULL.
 */
const struct wa_str *wa_node_content(const struct wa_node *n);
/* The content of n's first child tag, as wa_node_content; NULL if none. */
const struct wa_str *wa_node_child_content(const struct wa_node *n,
    const char *tag);

#endif
