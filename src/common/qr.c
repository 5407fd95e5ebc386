#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>
#include <qrencode.h>

#include "common/qr.h"

#define QR_QUIET	4	/* modules of light margin (ISO/IEC 18004) */

/* The symbol for text; NULL when it cannot be made. */
static QRcode *
qr_make(const char *text)
{
	if (text == NULL || *text == '\0' || strlen(text) > QR_TEXT_MAX)
		return NULL;
	return QRcode_encodeString8bit(text, 0, QR_ECLEVEL_L);
}

/* Module (x, y) of q, the quiet zone included: 1 dark, 0 light. */
static int
qr_dark(const QRcode *q, int x, int y)
{
	x -= QR_QUIET;
	y -= QR_QUIET;
	if (x < 0 || y < 0 || x >= q->width || y >= q->width)
		return 0;
	return q->data[y * q->width + x] & 1;
}

struct qr_mem {
	unsigned char	*buf;
	size_t		 len, cap;
	int		 failed;
};

static void
qr_png_write(png_structp png, png_bytep data, png_size_t n)
{
	struct qr_mem *m = png_get_io_ptr(png);
	unsigned char *b;
	size_t cap;

	if (m->failed)
		return;
	if (m->len + n > m->cap) {
		cap = m->cap ? m->cap * 2 : 4096;
		while (cap < m->len + n)
			cap *= 2;
		if ((b = realloc(m->buf, cap)) == NULL) {
			m->failed = 1;
			return;
		}
		m->buf = b;
		m->cap = cap;
	}
	memcpy(m->buf + m->len, data, n);
	m->len += n;
}

static void
qr_png_flush(png_structp png)
{
	(void)png;
}

unsigned char *
qr_png(const char *text, int module_px, size_t *len)
{
	struct qr_mem m = { NULL, 0, 0, 0 };
	png_structp png = NULL;
	png_infop info = NULL;
	unsigned char *row = NULL;
	QRcode *q;
	int side, x, y;

	*len = 0;
	if (module_px < 1 || module_px > 32 || (q = qr_make(text)) == NULL)
		return NULL;
	side = (q->width + 2 * QR_QUIET) * module_px;
	if ((row = malloc((size_t)side)) == NULL ||
	    (png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL,
	    NULL)) == NULL || (info = png_create_info_struct(png)) == NULL)
		goto fail;
	if (setjmp(png_jmpbuf(png)))
		goto fail;
	png_set_write_fn(png, &m, qr_png_write, qr_png_flush);
	png_set_IHDR(png, info, (png_uint_32)side, (png_uint_32)side, 8,
	    PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
	    PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (y = 0; y < side; y++) {
		for (x = 0; x < side; x++)
			row[x] = qr_dark(q, x / module_px, y / module_px) ? 0 : 255;
		png_write_row(png, row);
	}
	png_write_end(png, NULL);
	if (m.failed)
		goto fail;
	png_destroy_write_struct(&png, &info);
	free(row);
	QRcode_free(q);
	*len = m.len;
	return m.buf;
fail:
	png_destroy_write_struct(&png, &info);
	free(row);
	free(m.buf);
	QRcode_free(q);
	return NULL;
}

/* Appends to a growing string; -1 when out of memory. */
static int
qr_append(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
	char *b;
	size_t c;

	if (*len + n + 1 > *cap) {
		c = *cap ? *cap * 2 : 4096;
		while (c < *len + n + 1)
			c *= 2;
		if ((b = realloc(*buf, c)) == NULL)
			return -1;
		*buf = b;
		*cap = c;
	}
	memcpy(*buf + *len, s, n);
	*len += n;
	(*buf)[*len] = '\0';
	return 0;
}

char *
qr_svg(const char *text, size_t *len)
{
	char *buf = NULL, tmp[128];
	size_t n = 0, cap = 0;
	QRcode *q;
	int side, x, y, k;

	*len = 0;
	if ((q = qr_make(text)) == NULL)
		return NULL;
	side = q->width + 2 * QR_QUIET;
	k = snprintf(tmp, sizeof(tmp), "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "viewBox=\"0 0 %d %d\" ", side, side);
	if (qr_append(&buf, &n, &cap, tmp, (size_t)k) == -1)
		goto fail;
	k = snprintf(tmp, sizeof(tmp), "shape-rendering=\"crispEdges\">"
	    "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>", side, side);
	if (qr_append(&buf, &n, &cap, tmp, (size_t)k) == -1 ||
	    qr_append(&buf, &n, &cap, "<path fill=\"#000\" d=\"", 21) == -1)
		goto fail;
	for (y = 0; y < q->width; y++)
		for (x = 0; x < q->width; x++) {
			if (!(q->data[y * q->width + x] & 1))
				continue;
			k = snprintf(tmp, sizeof(tmp), "M%d %dh1v1h-1z", x + QR_QUIET,
			    y + QR_QUIET);
			if (qr_append(&buf, &n, &cap, tmp, (size_t)k) == -1)
				goto fail;
		}
	if (qr_append(&buf, &n, &cap, "\"/></svg>\n", 10) == -1)
		goto fail;
	QRcode_free(q);
	*len = n;
	return buf;
fail:
	free(buf);
	QRcode_free(q);
	return NULL;
}

char *
qr_terminal(const char *text, size_t *len)
{
	/*
	 * Two modules a character.  Light modules are the ink (full, upper
	 * or lower half block) and dark ones the background, so the code
	 * reads dark on light on the usual dark terminal.  Index: top dark
	 * * 2 + bottom dark.
	 */
	static const char *const cell[4] = { "\xe2\x96\x88", "\xe2\x96\x80",
	    "\xe2\x96\x84", " " };
	char *buf = NULL;
	size_t n = 0, cap = 0;
	QRcode *q;
	int side, x, y, top, bot;

	*len = 0;
	if ((q = qr_make(text)) == NULL)
		return NULL;
	side = q->width + 2 * QR_QUIET;
	for (y = 0; y < side; y += 2) {
		for (x = 0; x < side; x++) {
			top = qr_dark(q, x, y);
			bot = y + 1 < side ? qr_dark(q, x, y + 1) : 0;
			if (qr_append(&buf, &n, &cap, cell[top * 2 + bot],
			    strlen(cell[top * 2 + bot])) == -1)
				goto fail;
		}
		if (qr_append(&buf, &n, &cap, "\n", 1) == -1)
			goto fail;
	}
	QRcode_free(q);
	*len = n;
	return buf;
fail:
	free(buf);
	QRcode_free(q);
	return NULL;
}
