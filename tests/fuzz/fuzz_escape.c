/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_escape.c - libFuzzer target: escaping of hostile names for tables
 * and JSON (sb_put_escaped, utf8_valid, json_put_bytes). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "jsonw.h"
#include "strbuf.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	struct strbuf sb = { 0 };
	size_t len;
	bool valid;
	cJSON *j;

	memcpy(s, data, size);
	s[size] = '\0';
	len = strlen(s);	/* names are C strings: stop at a NUL */

	/* utf8_valid on the raw bytes, NULs included, must stay in bounds
	 * and refuse a NUL */
	valid = utf8_valid((const char *)data, size);
	if (valid && memchr(data, '\0', size))
		abort();
	valid = utf8_valid(s, len);

	/* Table cell: one printable line of valid UTF-8. */
	sb_put_escaped(&sb, s);
	if (sb.len && !utf8_valid(sb.buf, sb.len))
		abort();
	for (size_t i = 0; i < sb.len; i++)
		if ((unsigned char)sb.buf[i] < 0x20 ||
		    (unsigned char)sb.buf[i] == 0x7f)
			abort();
	if (sb.len < len)
		abort();	/* escaping never drops bytes */
	sb_free(&sb);

	/* JSON string (the writer's spelling): valid JSON text of valid
	 * UTF-8 on one line, that parses back to a valid UTF-8 string,
	 * the input itself when that was valid. */
	json_put_bytes(&sb, s);
	if (!sb.buf || !utf8_valid(sb.buf, sb.len) || memchr(sb.buf, '\n', sb.len))
		abort();
	j = cJSON_Parse(sb.buf);
	if (!j || !cJSON_IsString(j) ||
	    !utf8_valid(j->valuestring, strlen(j->valuestring)))
		abort();
	if (valid && strcmp(j->valuestring, s))
		abort();
	cJSON_Delete(j);
	sb_free(&sb);
	free(s);
	return 0;
}
