// SPDX-License-Identifier: GPL-2.0-only
/*
 * The auto pool: what the guest tells the host about itself, computed on
 * every request.  Addresses are those of every interface, loopback and
 * link-local ones left out, joined with ';'.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "kvpd.h"

/* The unquoted value of FIELD= in os-release, or @fallback. */
static void kvpd_os_release(const char *field, const char *fallback, char *out,
			    size_t room)
{
	static const char *const files[] = { "/etc/os-release", "/usr/lib/os-release" };
	size_t flen = strlen(field);
	char *line = NULL;
	size_t cap = 0, i;
	ssize_t len;

	snprintf(out, room, "%s", fallback);
	for (i = 0; i < ARRAY_SIZE(files); i++) {
		FILE *f = fopen(files[i], "re");

		if (!f)
			continue;
		while ((len = getline(&line, &cap, f)) >= 0) {
			char *v = line + flen + 1;

			if (strncmp(line, field, flen) || line[flen] != '=')
				continue;
			v[strcspn(v, "\n")] = '\0';
			if (*v == '"' || *v == '\'') {
				char q = *v++;
				char *end = strchr(v, q);

				if (end)
					*end = '\0';
			}
			snprintf(out, room, "%s", v);
			break;
		}
		fclose(f);
		break;
	}
	free(line);
}

static void kvpd_fqdn(char *out, size_t room)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_flags = AI_CANONNAME };
	struct addrinfo *ai;
	char host[256];

	if (gethostname(host, sizeof(host)))
		strcpy(host, "localhost");
	host[sizeof(host) - 1] = '\0';
	snprintf(out, room, "%s", host);
	if (!getaddrinfo(host, NULL, &hints, &ai)) {
		if (ai->ai_canonname && *ai->ai_canonname)
			snprintf(out, room, "%s", ai->ai_canonname);
		freeaddrinfo(ai);
	}
}

/* Append @s to the ';'-separated list @out; too long, it is left out. */
static void kvpd_append(char *out, size_t room, const char *s)
{
	size_t n = strlen(out);

	if (n + !!n + strlen(s) >= room)
		return;
	snprintf(out + n, room - n, "%s%s", n ? ";" : "", s);
}

static void kvpd_addresses(char *v4, char *v6, size_t room)
{
	struct ifaddrs *ifa, *i;
	char buf[INET6_ADDRSTRLEN];

	v4[0] = v6[0] = '\0';
	if (getifaddrs(&ifa)) {
		kvpd_log("getifaddrs: %s", strerror(errno));
		return;
	}
	for (i = ifa; i; i = i->ifa_next) {
		if (!i->ifa_addr)
			continue;
		if (i->ifa_addr->sa_family == AF_INET) {
			const struct in_addr *a = &((struct sockaddr_in *)i->ifa_addr)->sin_addr;

			if ((ntohl(a->s_addr) >> 24) == 127 ||
			    !inet_ntop(AF_INET, a, buf, sizeof(buf)))
				continue;
			kvpd_append(v4, room, buf);
		} else if (i->ifa_addr->sa_family == AF_INET6) {
			const struct in6_addr *a = &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr;

			if (IN6_IS_ADDR_LOOPBACK(a) || IN6_IS_ADDR_LINKLOCAL(a) ||
			    !inet_ntop(AF_INET6, a, buf, sizeof(buf)))
				continue;
			kvpd_append(v6, room, buf);
		}
	}
	freeifaddrs(ifa);
}

/* Fill @p (emptied first) with the guest's facts. */
int kvpd_facts(struct kvpd_pool *p)
{
	static char v4[KVPD_VALUE_BYTES], v6[KVPD_VALUE_BYTES];
	char name[256], version[256], fqdn[1024], major[16], minor[16];
	unsigned int maj = 0, min = 0;
	struct utsname u;
	const char *const facts[][2] = {
		{ "FullyQualifiedDomainName", fqdn },
		{ "IntegrationServicesVersion", HVGUEST_VERSION },
		{ "NetworkAddressIPv4", v4 },
		{ "NetworkAddressIPv6", v6 },
		{ "OSBuildNumber", u.release },
		{ "OSName", name },
		{ "OSMajorVersion", major },
		{ "OSMinorVersion", minor },
		{ "OSVersion", version },
		{ "ProcessorArchitecture", u.machine },
	};
	size_t i;
	int ret = 0;

	p->n = 0;
	if (uname(&u))
		return -errno;
	if (sscanf(u.release, "%u.%u", &maj, &min) != 2)
		kvpd_log("kernel release %s is not MAJOR.MINOR...", u.release);
	snprintf(major, sizeof(major), "%u", maj);
	snprintf(minor, sizeof(minor), "%u", min);
	kvpd_os_release("NAME", u.sysname, name, sizeof(name));
	kvpd_os_release("VERSION_ID", u.release, version, sizeof(version));
	kvpd_fqdn(fqdn, sizeof(fqdn));
	/* What the host's UTF-16 value field holds: at most 1023 units. */
	kvpd_addresses(v4, v6, 1024);
	for (i = 0; !ret && i < ARRAY_SIZE(facts); i++)
		ret = kvpd_pool_add(p, facts[i][0], facts[i][1]);
	return ret;
}
