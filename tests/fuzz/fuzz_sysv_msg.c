/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_sysv_msg.c - libFuzzer target: one /proc/sysvipc/msg line. */
#define SYSV_KIND KIND_MSG
#define SYSV_PARSE sysv_parse_msg
#include "fuzz_sysv.h"
