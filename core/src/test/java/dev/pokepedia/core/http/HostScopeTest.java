package dev.pokepedia.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Which hosts are owed a rate limit: public ones; loopback, private and link-local ones are ours. */
class HostScopeTest {

    /** Answers from a fixed table; any other name does not resolve. Never asks real DNS. */
    private static HostScope.Resolver table(Map<String, String[]> names) {
        return host -> {
            String[] literals = names.get(host);
            if (literals == null) {
                throw new UnknownHostException(host);
            }
            InetAddress[] out = new InetAddress[literals.length];
            for (int i = 0; i < literals.length; i++) {
                out[i] = InetAddress.getByName(literals[i]);
            }
            return out;
        };
    }

    private static final HostScope.Resolver NO_DNS = host -> {
        throw new AssertionError("asked DNS about " + host);
    };

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.8.9.10", "10.0.0.1", "10.255.255.255", "172.16.0.1", "172.31.255.254",
            "192.168.1.20", "169.254.10.10", "0.0.0.0", "[::1]", "::1", "[fc00::1]", "[fd12:3456:789a::1]", "[fe80::1]",
            "[::ffff:192.168.0.1]", "localhost", "LOCALHOST", "localhost.", "api.localhost"})
    void loopbackPrivateAndLinkLocalHostsAreLocalWithoutAskingDns(String host) {
        assertThat(HostScope.isLocal(host, NO_DNS)).as(host).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"8.8.8.8", "104.21.0.1", "172.15.255.255", "172.32.0.1", "192.169.0.1", "11.0.0.1",
            "100.64.0.1", "[2606:4700::1]", "[fbff::1]", "[fe00::1]", "[::ffff:8.8.8.8]"})
    void publicAddressesAreNotLocal(String host) {
        assertThat(HostScope.isLocal(host, NO_DNS)).as(host).isFalse();
    }

    @Test
    void aNameCountsAsLocalOnlyWhenEveryAddressItResolvesToIsLocal() {
        HostScope.Resolver dns = table(Map.of(
                "mirror.internal", new String[] {"10.1.2.3", "fd00::5"},
                "split.example", new String[] {"192.168.0.9", "93.184.216.34"},
                "pokeapi.co", new String[] {"104.21.0.1"}));

        assertThat(HostScope.isLocal("mirror.internal", dns)).isTrue();
        assertThat(HostScope.isLocal("split.example", dns)).as("one public address makes it public").isFalse();
        assertThat(HostScope.isLocal("pokeapi.co", dns)).isFalse();
        assertThat(HostScope.isLocal("unknown.example", dns)).as("unresolvable: the limit applies").isFalse();
        assertThat(HostScope.isLocal("", dns)).isFalse();
        assertThat(HostScope.isLocal(null, dns)).isFalse();
    }

    @Test
    void thePublicHostsScopeLimitsPublicHostsAndLeavesLocalOnesAloneClassifyingEachHostOnce() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        HostScope.Resolver dns = host -> {
            lookups.incrementAndGet();
            return table(Map.of("pokeapi.co", new String[] {"104.21.0.1"}, "mirror.internal", new String[] {"10.0.0.7"})).resolve(host);
        };
        FakeTicker ticker = new FakeTicker();
        RateLimits limits = new RateLimits(10, PoliteHttpConfig.RateScope.PUBLIC_HOSTS, ticker, dns);

        for (int i = 0; i < 3; i++) {
            limits.await(URI.create("http://127.0.0.1:8080/api/v2/pokemon/" + i + "/"));
            limits.await(URI.create("http://mirror.internal/api/v2/pokemon/" + i + "/"));
        }
        assertThat(ticker.sleeps()).as("local hosts never wait").isEmpty();

        for (int i = 0; i < 3; i++) {
            limits.await(URI.create("https://pokeapi.co/api/v2/pokemon/" + i + "/"));
        }
        assertThat(ticker.sleeps()).as("a public host is spaced by the rate").hasSize(2);
        assertThat(lookups).as("one lookup per name, none for literals").hasValue(2);
    }

    @Test
    void thePerHostScopeLimitsLocalHostsToo() throws Exception {
        FakeTicker ticker = new FakeTicker();
        RateLimits limits = new RateLimits(10, PoliteHttpConfig.RateScope.PER_HOST, ticker, NO_DNS);

        for (int i = 0; i < 3; i++) {
            limits.await(URI.create("http://127.0.0.1:8080/api/v2/pokemon/" + i + "/"));
        }
        assertThat(ticker.sleeps()).hasSize(2);
    }
}
