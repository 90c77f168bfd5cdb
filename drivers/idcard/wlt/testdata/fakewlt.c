/*
 * fakewlt.c: a stand-in for a vendor WLT decoder library, for the tests of
 * package wlt. It does NOT decode WLT. It draws a gradient derived from the
 * input bytes, in the layouts and through the entry points the real
 * libraries use, so that the tests can check exact pixels:
 *
 *   red   = 2*x + in[4]
 *   green = 2*y + in[5]
 *   blue  = x + y + in[1023]       (all mod 256; x, y from the top left)
 *
 * The first four input bytes select a misbehaviour:
 *   "FAIL" return FAKE_ERR (-7)      "CRSH" write through a NULL pointer
 *   "ABRT" abort()                   "HANG" sleep forever
 *   "SLOW" sleep 700 ms, then decode "NOIS" printf to stdout, then decode
 *
 * Build: gcc -shared -fPIC -o libfakewlt.so fakewlt.c
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define W 102
#define H 126
#define FAKE_ERR (-7)
#define NORMAL 0x7fffffff

static int is(const unsigned char *in, const char *m) { return memcmp(in, m, 4) == 0; }

/* misbehave acts on the magic prefix; it returns NORMAL to go on decoding. */
static int misbehave(const unsigned char *in) {
	if (is(in, "FAIL")) return FAKE_ERR;
	if (is(in, "CRSH")) { volatile int *p = NULL; *p = 1; }
	if (is(in, "ABRT")) abort();
	if (is(in, "HANG")) { for (;;) sleep(3600); }
	if (is(in, "SLOW")) usleep(700 * 1000);
	if (is(in, "NOIS")) {
		/* Garbage on stdout, including a fake frame magic. */
		printf("fakewlt: decoding photo \x89WLT\x01Q junk\n");
		fflush(stdout);
	}
	return NORMAL;
}

/*
 * draw writes the gradient as packed 3-byte pixels, stride bytes per row.
 * rgb: byte order R,G,B instead of B,G,R. bottomup: first row in memory is
 * the bottom one.
 */
static void draw(const unsigned char *in, unsigned char *out, int stride, int rgb, int bottomup) {
	for (int y = 0; y < H; y++) {
		unsigned char *row = out + (bottomup ? H - 1 - y : y) * stride;
		for (int x = 0; x < W; x++) {
			unsigned char r = (unsigned char)(2 * x + in[4]);
			unsigned char g = (unsigned char)(2 * y + in[5]);
			unsigned char b = (unsigned char)(x + y + in[1023]);
			unsigned char *p = row + 3 * x;
			p[0] = rgb ? r : b;
			p[1] = g;
			p[2] = rgb ? b : r;
		}
	}
}

static void put32(unsigned char *p, unsigned v) {
	p[0] = v; p[1] = v >> 8; p[2] = v >> 16; p[3] = v >> 24;
}

/* bmp writes a 38862-byte 24-bit BMP; topdown uses a negative height. */
static void bmp(const unsigned char *in, unsigned char *out, int topdown) {
	int stride = (W * 3 + 3) & ~3;
	memset(out, 0, 54 + stride * H);
	out[0] = 'B'; out[1] = 'M';
	put32(out + 2, 54 + stride * H);
	put32(out + 10, 54);
	put32(out + 14, 40);
	put32(out + 18, W);
	put32(out + 22, topdown ? (unsigned)-H : H);
	out[26] = 1;
	out[28] = 24;
	put32(out + 34, stride * H);
	draw(in, out + 54, stride, 0, !topdown);
}

/* Huashi-style: int unpack(char *src, char *dst, int bmpSave); code 602. */
int unpack(const unsigned char *src, unsigned char *dst, int code) {
	int rc = misbehave(src);
	if (rc != NORMAL) return rc;
	if (code != 602) return 0;
	draw(src, dst, W * 3, 1, 1);
	return 1;
}

/* Same shape, but top-down B,G,R: for the Config.Channels/Rows overrides. */
int unpack_topdown_bgr(const unsigned char *src, unsigned char *dst, int code) {
	int rc = misbehave(src);
	if (rc != NORMAL) return rc;
	draw(src, dst, W * 3, 0, 0);
	return 1;
}

/* ZKTeco-style buffer decoder told the picture size. */
int fake_wlt2bmp(const unsigned char *src, unsigned char *dst, int w, int h) {
	int rc = misbehave(src);
	if (rc != NORMAL) return rc;
	if (w != W || h != H) return -2;
	draw(src, dst, W * 3, 1, 1);
	return 1;
}

/* In-memory BMP writer. */
int WltToBmp(const unsigned char *src, unsigned char *dst) {
	int rc = misbehave(src);
	if (rc != NORMAL) return rc;
	bmp(src, dst, 0);
	return 1;
}

int WltToBmp_topdown(const unsigned char *src, unsigned char *dst) {
	int rc = misbehave(src);
	if (rc != NORMAL) return rc;
	bmp(src, dst, 1);
	return 1;
}

/* Writes a broken BMP and claims success. */
int WltToBmp_garbage(const unsigned char *src, unsigned char *dst) {
	memset(dst, 'x', 100);
	return 1;
}

/* WltRS.dll-style: int GetBmp(char *wltFile, int intf); writes <name>.bmp. */
int GetBmp(const char *path, int intf) {
	unsigned char in[1024], out[54 + 308 * H];
	size_t n = strlen(path);
	if (intf != 1 && intf != 2) return -6;
	if (n < 4 || strcmp(path + n - 4, ".wlt") != 0) return -2;
	FILE *f = fopen(path, "rb");
	if (!f) return -3;
	size_t got = fread(in, 1, sizeof in, f);
	fclose(f);
	if (got != sizeof in) return -4;
	int rc = misbehave(in);
	if (rc != NORMAL) return rc;
	bmp(in, out, 0);
	char *outpath = malloc(n + 1);
	if (!outpath) return -1;
	memcpy(outpath, path, n - 4);
	strcpy(outpath + n - 4, ".bmp");
	f = fopen(outpath, "wb");
	free(outpath);
	if (!f) return -1;
	fwrite(out, 1, sizeof out, f);
	fclose(f);
	return 1;
}
