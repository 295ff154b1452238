package dev.pokepedia.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClientAddressTest {

    @Test
    void aProxyOnThisMachineNamesTheClientInTheLastForwardedEntry() {
        assertThat(ClientAddress.of("127.0.0.1", "198.51.100.7")).isEqualTo("198.51.100.7");
        assertThat(ClientAddress.of("127.0.0.1", "6.6.6.6, 198.51.100.7")).as("the client's own claim is ignored").isEqualTo("198.51.100.7");
        assertThat(ClientAddress.of("[0:0:0:0:0:0:0:1]", "2001:db8::5")).isEqualTo("2001:db8::5");
        assertThat(ClientAddress.of("127.0.0.1", null)).isEqualTo("127.0.0.1");
    }

    @Test
    void anyOtherPeerIsTheClientWhateverItClaims() {
        assertThat(ClientAddress.of("203.0.113.9", "198.51.100.7")).isEqualTo("203.0.113.9");
        assertThat(ClientAddress.of("192.168.1.20", "127.0.0.1")).isEqualTo("192.168.1.20");
        assertThat(ClientAddress.of("127.0.0.1", "unknown")).isEqualTo("127.0.0.1");
        assertThat(ClientAddress.of("127.0.0.1", "evil.example")).as("no name lookups").isEqualTo("127.0.0.1");
    }
}
