/*
 * wa_pb: a small table-driven protobuf (proto2 wire format) codec for the
 * handful of messages the handshake and pairing need (wa_proto.h).  A
 * message is a C struct; a descriptor lists its fields by number with
 * their offsets.  Encoding writes fields in table order (= field number
 * order, as protobufjs and Go do) and skips absent ones.  Decoding skips
 * unknown fields, keeps the last value of a repeated scalar and rejects
 * malformed wire data, nesting past WA_PB_MAX_DEPTH and wrong wire types.
 */
#ifndef WAGW_WA_PB_H
#define WAGW_WA_PB_H

#include <stddef.h>
#include <stdint.h>

#include "wa/wa_buf.h"

#define WA_PB_MAX_DEPTH	16

struct wa_pb_bytes {
	unsigned char	*p;	/* encode: borrowed; decode: owned */
	size_t		 len;
	int		 has;
};

struct wa_pb_uint {
	uint64_t	 v;
	int		 has;
};

enum wa_pb_type {
	WA_PB_UINT,	/* uint32, uint64, int32 >= 0, enum: varint */
	WA_PB_BOOL,	/* varint 0/1, stored in a wa_pb_uint */
	WA_PB_SFIXED32,	/* 4 bytes little-endian, stored in a wa_pb_uint */
	WA_PB_BYTES,	/* bytes and string */
	WA_PB_MSG	/* pointer to the sub-message struct; NULL = absent */
};

struct wa_pb_desc;

struct wa_pb_field {
	uint32_t		 num;
	const char		*name;	/* as in WAProto.proto */
	enum wa_pb_type		 type;
	size_t			 off;
	const struct wa_pb_desc	*sub;
};

struct wa_pb_desc {
	const char		 *name;
	size_t			  size;
	const struct wa_pb_field *fields;
	size_t			  nfields;
};

/* Appends msg's encoding to out.  Returns 0, or -1 (out->len restored). */
int wa_pb_encode(const struct wa_pb_desc *d, const void *msg,
    struct wa_buf *out);
/*
 * Decodes len bytes into a new struct of d->size bytes stored in *out
 * (free with wa_pb_free).  Returns 0 or -1 (*out untouched).
 */
int wa_pb_decode(const struct wa_pb_desc *d, const void *p, size_t len,
    void **out);
/* Frees what wa_pb_decode returned; NULL is a no-op. */
void wa_pb_free(const struct wa_pb_desc *d, void *msg);

#endif
