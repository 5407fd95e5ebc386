/*
 * ipc_frame: the framing of the wagw-sessiond protocol
 * (docs/sessiond-protocol.md).  Every message is an 8-byte header, then
 * a JSON payload:
 *
 *   0..1  magic "WG"
 *   2     protocol version (IPC_VERSION)
 *   3     type: IPC_TYPE_REQUEST or IPC_TYPE_RESPONSE
 *   4..7  payload length, unsigned big-endian, at most IPC_PAYLOAD_MAX
 *
 * The header is checked before a single payload byte is looked at.
 */
#ifndef WAGW_IPC_FRAME_H
#define WAGW_IPC_FRAME_H

#include <stddef.h>
#include <stdint.h>

#define IPC_VERSION		1
#define IPC_HEADER_LEN		8
#define IPC_PAYLOAD_MAX		65536
#define IPC_TYPE_REQUEST	1
#define IPC_TYPE_RESPONSE	2

enum ipc_frame_rc {
	IPC_FRAME_OK,
	IPC_FRAME_SHORT,	/* fewer than IPC_HEADER_LEN bytes */
	IPC_FRAME_MAGIC,	/* not "WG": not our protocol */
	IPC_FRAME_VERSION,	/* a version this build does not speak */
	IPC_FRAME_TYPE,		/* neither request nor response */
	IPC_FRAME_TOO_LARGE	/* length above IPC_PAYLOAD_MAX */
};

/* Writes the header of a payload of len bytes (len <= IPC_PAYLOAD_MAX). */
void ipc_frame_header(unsigned char out[IPC_HEADER_LEN], int type, size_t len);

/*
 * Checks the first avail bytes of buf as a header.  On IPC_FRAME_OK sets
 * *type and *len (the payload length).  Nothing is read past the header.
 */
int ipc_frame_parse(const unsigned char *buf, size_t avail, int *type,
    size_t *len);

/* A short English description of an enum ipc_frame_rc. */
const char *ipc_frame_rc_str(int rc);

#endif
