package dev.pokepedia.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pokepedia.core.ConfigurationException;
import dev.pokepedia.corpus.DocumentId;
import dev.pokepedia.live.schedule.Cron;
import dev.pokepedia.queue.PermanentFailureException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Message shapes, server URLs and cron expressions: the small parsers of the live path. */
class LiveMessagesTest {

    @Test
    void ingestMessagesRoundTripForServersAndSnapshots() {
        var fromServer = LiveQueues.parseIngest(LiveQueues.ingestBody("/api/v2/pokemon/25/", "http://127.0.0.1:8080", null));
        assertThat(fromServer.id()).isEqualTo(new DocumentId("pokemon", "25"));
        assertThat(fromServer.source()).isEqualTo("http://127.0.0.1:8080");

        var encounters = LiveQueues.parseIngest(LiveQueues.ingestBody("/api/v2/pokemon/25/encounters", null, "/data/snap.tar.gz"));
        assertThat(encounters.id()).isEqualTo(new DocumentId(DocumentId.ENCOUNTERS, "25"));
        assertThat(encounters.source()).isEqualTo("/data/snap.tar.gz");

        assertThat(LiveQueues.parseIngest(LiveQueues.ingestBody("/api/v2/meta/", "https://pokeapi.co", null)).id())
                .isEqualTo(new DocumentId(DocumentId.META, DocumentId.META));
    }

    @Test
    void aMessageThatIsNotAnIngestMessageIsAPermanentFailureNamingIt() {
        assertThatThrownBy(() -> LiveQueues.parseIngest("{\"path\": \"/etc/passwd\", \"base\": \"http://x\"}"))
                .isInstanceOf(PermanentFailureException.class).hasMessageContaining("/etc/passwd");
        assertThatThrownBy(() -> LiveQueues.parseIngest("{\"path\": \"/api/v2/type/1/\"}"))
                .isInstanceOf(PermanentFailureException.class).hasMessageContaining("'base' or 'snapshot'");
        assertThatThrownBy(() -> LiveQueues.parseAsset("{\"bucket\": \"pokedex-sprites\"}"))
                .isInstanceOf(PermanentFailureException.class).hasMessageContaining("'path'");
    }

    @Test
    void serverBaseKeepsSchemeHostAndPortOnly() {
        assertThat(Seeder.baseOf("https://pokeapi.co/api/v2/")).isEqualTo("https://pokeapi.co");
        assertThat(Seeder.baseOf("http://127.0.0.1:8080")).isEqualTo("http://127.0.0.1:8080");
        assertThatThrownBy(() -> Seeder.baseOf("pokeapi.co")).isInstanceOf(ConfigurationException.class);
    }

    @Test
    void cronComputesTheNextUtcTimeAndRejectsNonsenseWithTheReason() {
        assertThat(Cron.parse("0 3 * * *").next(Instant.parse("2026-11-22T03:00:00Z"))).isEqualTo(Instant.parse("2026-11-23T03:00:00Z"));
        assertThat(Cron.parse("*/15 * * * *").next(Instant.parse("2026-11-22T03:07:10Z"))).isEqualTo(Instant.parse("2026-11-22T03:15:00Z"));
        assertThatThrownBy(() -> Cron.parse("0 3 * *")).isInstanceOf(ConfigurationException.class).hasMessageContaining("0 3 * *");
    }

    @Test
    void configurationRejectsImpossibleValuesWithAFix() {
        assertThatThrownBy(() -> UpstreamOptions.defaults().withConcurrency(0)).isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> UpstreamOptions.defaults().withRate(-1)).isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> LiveConfig.defaults().withUpstream(" ")).isInstanceOf(ConfigurationException.class)
                .satisfies(e -> assertThat(((ConfigurationException) e).hint()).contains("POKEPEDIA_UPSTREAM"));
    }
}
