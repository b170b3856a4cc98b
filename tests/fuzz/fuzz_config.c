/*
 * Fuzz target: the configuration parser (config_load on an INI file held
 * in memory), then the lookup of the first profile by name.
 */
#include <unistd.h>

#include "config.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config c = { 0 };
	struct errinfo info;
	char path[64];
	int fd;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	fd = fuzz_memfile(data, size, path, sizeof(path));
	if (fd < 0)
		return 0;
	if (!config_load(&c, path, &info)) {
		if (c.nprofiles && !config_profile(&c, c.profiles[0].name, &info))
			fuzz_fail("a loaded profile cannot be found by its name");
		(void)config_profile(&c, "no such profile", &info);
	}
	config_free(&c);
	close(fd);
	return 0;
}
