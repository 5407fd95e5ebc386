/* libFuzzer target: the INI configuration parser. */
#include <stddef.h>
#include <stdint.h>

#include "common/config.h"
#include "common/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct config cfg;
	char err[512];

	log_init("fuzz_config", LOG_LEVEL_WARN);
	if (config_parse_buffer(&cfg, "fuzz.conf", (const char *)data, size, err,
	    sizeof(err)) == 0 && cfg.cors_origins_n > CONFIG_CORS_MAX)
		__builtin_trap();
	return 0;
}
