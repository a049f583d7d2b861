/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_sysv_shm.c - libFuzzer target: one /proc/sysvipc/shm line. */
#define SYSV_KIND KIND_SHM
#define SYSV_PARSE sysv_parse_shm
#include "fuzz_sysv.h"
