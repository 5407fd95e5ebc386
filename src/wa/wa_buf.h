/*
 * wa_buf: a growable byte buffer for the encoders of src/wa.  Appends
 * never fail visibly: the first allocation failure (or a length past
 * WA_BUF_MAX) sets err and later appends do nothing, so an encoder
 * checks err once at the end.
 */
#ifndef WAGW_WA_BUF_H
#define WAGW_WA_BUF_H

#include <stddef.h>
#include <stdint.h>

#define WA_BUF_MAX	(64u * 1024 * 1024)	/* nothing we build is larger */

struct wa_buf {
	unsigned char	*p;
	size_t		 len;
	size_t		 cap;
	int		 err;
};

/* Empties b without freeing; a zeroed struct is a valid empty buffer. */
void wa_buf_reset(struct wa_buf *b);
/* Frees the storage and zeroes b. */
void wa_buf_free(struct wa_buf *b);
void wa_buf_add(struct wa_buf *b, const void *p, size_t n);
void wa_buf_byte(struct wa_buf *b, uint8_t v);
/* Big-endian integer of n bytes (1-4). */
void wa_buf_be(struct wa_buf *b, uint32_t v, int n);
/* Makes room for n more bytes; returns the spot or NULL (err set). */
unsigned char *wa_buf_reserve(struct wa_buf *b, size_t n);

#endif
