package dev.pokepedia.medialibrary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pokepedia.core.ConfigurationException;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CloudinaryConfigTest {

    private static final String SECRET = "abcdEFGH-secret_1234";

    @Test
    void reads_cloudinary_url_with_an_upload_prefix() {
        CloudinaryConfig c = CloudinaryConfig.fromEnv(Map.of("CLOUDINARY_URL",
                "cloudinary://123456:" + SECRET + "@my-cloud?upload_prefix=http://127.0.0.1:9999/&signature_algorithm=sha256"));
        assertThat(c.cloudName()).isEqualTo("my-cloud");
        assertThat(c.apiKey()).isEqualTo("123456");
        assertThat(c.apiSecret()).isEqualTo(SECRET);
        assertThat(c.apiBase()).isEqualTo(URI.create("http://127.0.0.1:9999"));
        assertThat(c.signatureAlgorithm()).isEqualTo(CloudinaryConfig.SignatureAlgorithm.SHA256);
    }

    @Test
    void reads_the_three_variables_when_there_is_no_url() {
        CloudinaryConfig c = CloudinaryConfig.fromEnv(Map.of("CLOUDINARY_CLOUD_NAME", "demo",
                "CLOUDINARY_API_KEY", "k", "CLOUDINARY_API_SECRET", SECRET));
        assertThat(c.apiBase()).isEqualTo(CloudinaryConfig.DEFAULT_API_BASE);
        assertThat(c.signatureAlgorithm()).isEqualTo(CloudinaryConfig.SignatureAlgorithm.SHA1);
    }

    @Test
    void to_string_never_shows_the_secret() {
        CloudinaryConfig c = CloudinaryConfig.parseUrl("cloudinary://k:" + SECRET + "@demo");
        assertThat(c.toString()).doesNotContain(SECRET).contains("apiSecret=***").contains("demo");
    }

    @Test
    void a_malformed_url_is_refused_without_repeating_it() {
        assertThatThrownBy(() -> CloudinaryConfig.fromEnv(Map.of("CLOUDINARY_URL", "cloudinary://" + SECRET + "-demo")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("malformed").message().doesNotContain(SECRET);
        assertThatThrownBy(() -> CloudinaryConfig.fromEnv(Map.of("CLOUDINARY_URL", "https://k:" + SECRET + "@demo")))
                .hasMessageContaining("cloudinary://").message().doesNotContain(SECRET);
    }

    @Test
    void missing_credentials_say_which_variables_to_set() {
        assertThatThrownBy(() -> CloudinaryConfig.fromEnv(Map.of()))
                .isInstanceOfSatisfying(ConfigurationException.class,
                        e -> assertThat(e.hint()).contains("CLOUDINARY_URL").contains("CLOUDINARY_API_SECRET"));
        assertThatThrownBy(() -> CloudinaryConfig.fromEnv(Map.of("CLOUDINARY_CLOUD_NAME", "demo", "CLOUDINARY_API_KEY", "k")))
                .hasMessageContaining("secret is missing");
    }
}
