// SPDX-License-Identifier: BSD-2-Clause
/* The RBSP bit writer against the tests' independent bit reader. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/bitwriter.h"
#include "check.h"
#include "h264_test_parse.h"

DV_TEST_DEFINE_FAILURES;

enum kind { KIND_U, KIND_UE, KIND_SE };

struct item {
	enum kind kind;
	unsigned int bits;	/* for u(n) */
	int64_t value;
};

/* A deterministic generator, so failures reproduce. */
static uint32_t rng_state = 12345;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static void test_round_trip(void)
{
	static const int64_t edges_ue[] = { 0, 1, 2, 3, 254, 255, 256,
					    65535, 0x7fffffff, 0xfffffffeu };
	static const int64_t edges_se[] = { 0, 1, -1, 2, -2, 127, -128,
					    INT32_MAX, -INT32_MAX };
	struct item items[2000];
	uint8_t buf[16384];
	struct dv_bitwriter bw;
	struct t_bitreader br;
	size_t n = 0, i, size;

	for (i = 0; i < sizeof(edges_ue) / sizeof(edges_ue[0]); i++)
		items[n++] = (struct item){ KIND_UE, 0, edges_ue[i] };
	for (i = 0; i < sizeof(edges_se) / sizeof(edges_se[0]); i++)
		items[n++] = (struct item){ KIND_SE, 0, edges_se[i] };
	items[n++] = (struct item){ KIND_U, 32, 0xffffffffu };
	items[n++] = (struct item){ KIND_U, 0, 0 };
	while (n < sizeof(items) / sizeof(items[0])) {
		uint32_t r = rng();
		unsigned int bits = rng() % 33;

		switch (rng() % 3) {
		case KIND_U:
			items[n++] = (struct item){ KIND_U, bits,
				bits == 32 ? r : r & ((1u << bits) - 1) };
			break;
		case KIND_UE:
			/* Mostly small values, as in real headers. */
			items[n++] = (struct item){ KIND_UE, 0,
				r % 4 ? r % 300 : r % 0xffffffffu };
			break;
		default:
			items[n++] = (struct item){ KIND_SE, 0,
				(int32_t)(r % 4 ? r % 300 : r) - (r % 4 ? 150 : 0) };
			if (items[n - 1].value == INT32_MIN)
				items[n - 1].value = 0;
			break;
		}
	}

	dv_bw_init(&bw, buf, sizeof(buf));
	for (i = 0; i < n; i++) {
		if (items[i].kind == KIND_U)
			dv_bw_u(&bw, items[i].bits, (uint32_t)items[i].value);
		else if (items[i].kind == KIND_UE)
			dv_bw_ue(&bw, (uint32_t)items[i].value);
		else
			dv_bw_se(&bw, (int32_t)items[i].value);
	}
	dv_bw_trailing_bits(&bw);
	CHECK_EQ(dv_bw_finish(&bw, &size), 0);
	CHECK_EQ(bw.bits % 8, 0);

	t_br_init(&br, buf, size);
	for (i = 0; i < n; i++) {
		int64_t got;

		if (items[i].kind == KIND_U)
			got = t_br_u(&br, items[i].bits);
		else if (items[i].kind == KIND_UE)
			got = t_br_ue(&br);
		else
			got = t_br_se(&br);
		CHECK(got == items[i].value, "item %zu kind %d: wrote %lld read %lld",
		      i, items[i].kind, (long long)items[i].value,
		      (long long)got);
		if (got != items[i].value)
			break;
	}
	CHECK(!t_br_more_rbsp_data(&br), "data left before the stop bit");
	CHECK_EQ(br.error, 0);
}

static void test_known_codes(void)
{
	uint8_t buf[8];
	struct dv_bitwriter bw;
	size_t size;

	/* ue(0) = 1, ue(1) = 010, ue(2) = 011, se(-1) = ue(2) = 011,
	 * then the stop bit: 1010 0110 11 + 1 + 00000 = a6 e0. */
	dv_bw_init(&bw, buf, sizeof(buf));
	dv_bw_ue(&bw, 0);
	dv_bw_ue(&bw, 1);
	dv_bw_ue(&bw, 2);
	dv_bw_se(&bw, -1);
	dv_bw_trailing_bits(&bw);
	CHECK_EQ(dv_bw_finish(&bw, &size), 0);
	CHECK_EQ(size, 2);
	CHECK_EQ(buf[0], 0xa6);
	CHECK_EQ(buf[1], 0xe0);
}

static void test_overflow(void)
{
	uint8_t buf[2];
	struct dv_bitwriter bw;
	size_t size;

	dv_bw_init(&bw, buf, sizeof(buf));
	dv_bw_u(&bw, 16, 0xabcd);
	CHECK_EQ(dv_bw_finish(&bw, &size), 0);
	dv_bw_u(&bw, 1, 1);
	CHECK_EQ(dv_bw_finish(&bw, &size), -ENOSPC);
	CHECK_EQ(buf[0], 0xab);
	CHECK_EQ(buf[1], 0xcd);
}

static void test_emulation_prevention(void)
{
	static const uint8_t rbsp[] = {
		0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x02,
		0x00, 0x00, 0x03, 0x00, 0x00, 0x04, 0x00, 0x00,
	};
	static const uint8_t want[] = {
		0x00, 0x00, 0x00, 0x01, 0x67,
		0x00, 0x00, 0x03, 0x00, 0x00, 0x03, 0x00, 0x01, 0x00, 0x00,
		0x03, 0x02, 0x00, 0x00, 0x03, 0x03, 0x00, 0x00, 0x04, 0x00,
		0x00, 0x03,
	};
	uint8_t out[64], back[64];
	size_t size, i;

	CHECK_EQ(dv_nal_wrap_annexb(0x67, rbsp, sizeof(rbsp), out, sizeof(out),
				    &size), 0);
	CHECK_EQ(size, sizeof(want));
	CHECK(!memcmp(out, want, sizeof(want)), "escaped bytes differ");
	for (i = 5; i + 2 < size; i++)
		CHECK(out[i] || out[i + 1] || out[i + 2] > 2,
		      "00 00 %02x inside the NAL at %zu", out[i + 2], i);
	/* The escaping undoes into the RBSP (the final 03 after 00 00 goes
	 * too, as cabac_zero_words' would). */
	CHECK_EQ(t_unescape(out + 5, size - 5, back), sizeof(rbsp));
	CHECK(!memcmp(back, rbsp, sizeof(rbsp)), "unescaped bytes differ");
	CHECK_EQ(dv_nal_wrap_annexb(0x67, rbsp, sizeof(rbsp), out, 20, &size),
		 -ENOSPC);
}

int main(void)
{
	test_known_codes();
	test_round_trip();
	test_overflow();
	test_emulation_prevention();
	return TEST_RESULT();
}
