/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_sysv_sem.c - libFuzzer target: one /proc/sysvipc/sem line. */
#define SYSV_KIND KIND_SEM
#define SYSV_PARSE sysv_parse_sem
#include "fuzz_sysv.h"
