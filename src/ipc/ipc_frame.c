#include "ipc/ipc_frame.h"

void
ipc_frame_header(unsigned char out[IPC_HEADER_LEN], int type, size_t len)
{
	out[0] = 'W';
	out[1] = 'G';
	out[2] = IPC_VERSION;
	out[3] = (unsigned char)type;
	out[4] = (unsigned char)(len >> 24);
	out[5] = (unsigned char)(len >> 16);
	out[6] = (unsigned char)(len >> 8);
	out[7] = (unsigned char)len;
}

int
ipc_frame_parse(const unsigned char *buf, size_t avail, int *type, size_t *len)
{
	uint32_t n;

	if (avail < IPC_HEADER_LEN)
		return IPC_FRAME_SHORT;
	if (buf[0] != 'W' || buf[1] != 'G')
		return IPC_FRAME_MAGIC;
	if (buf[2] != IPC_VERSION)
		return IPC_FRAME_VERSION;
	if (buf[3] != IPC_TYPE_REQUEST && buf[3] != IPC_TYPE_RESPONSE)
		return IPC_FRAME_TYPE;
	n = (uint32_t)buf[4] << 24 | (uint32_t)buf[5] << 16 |
	    (uint32_t)buf[6] << 8 | (uint32_t)buf[7];
	if (n > IPC_PAYLOAD_MAX)
		return IPC_FRAME_TOO_LARGE;
	*type = buf[3];
	*len = n;
	return IPC_FRAME_OK;
}

const char *
ipc_frame_rc_str(int rc)
{
	switch (rc) {
	case IPC_FRAME_OK:		return "ok";
	case IPC_FRAME_SHORT:		return "short header";
	case IPC_FRAME_MAGIC:		return "bad magic";
	case IPC_FRAME_VERSION:		return "unsupported protocol version";
	case IPC_FRAME_TYPE:		return "bad message type";
	case IPC_FRAME_TOO_LARGE:	return "message too large";
	default:			return "bad frame";
	}
}
