package dev.pokepedia.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pokepedia.core.ConfigurationException;
import dev.pokepedia.core.PokepediaException.ErrorCode;
import dev.pokepedia.media.internal.S3Config;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class S3ConfigTest {

    private static final Map<String, String> CREDENTIALS =
            Map.of("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI-very-secret");

    private static Map<String, String> env(String... extra) {
        Map<String, String> env = new HashMap<>(CREDENTIALS);
        for (int i = 0; i < extra.length; i += 2) {
            env.put(extra[i], extra[i + 1]);
        }
        return env;
    }

    @Test
    void takesEndpointAndRegionFromTheUrlAndCredentialsFromTheEnvironment() {
        S3Config c = S3Config.parse("s3://?endpoint=http://127.0.0.1:9000&region=eu-central-1",
                env("AWS_REGION", "us-west-2"));

        assertThat(c.endpoint()).isEqualTo(URI.create("http://127.0.0.1:9000"));
        assertThat(c.region()).isEqualTo("eu-central-1");
        assertThat(c.accessKey()).isEqualTo("AKIDEXAMPLE");
        assertThat(c.secretKey()).isEqualTo("wJalrXUtnFEMI-very-secret");
        assertThat(c.publicBaseUrl()).isNull();
    }

    @Test
    void regionFallsBackToAwsRegionThenAwsDefaultRegionThenUsEast1() {
        String url = "s3://?endpoint=http://127.0.0.1:9000";
        assertThat(S3Config.parse(url, env("AWS_REGION", "ap-south-1", "AWS_DEFAULT_REGION", "eu-west-3")).region())
                .isEqualTo("ap-south-1");
        assertThat(S3Config.parse(url, env("AWS_DEFAULT_REGION", "eu-west-3")).region()).isEqualTo("eu-west-3");
        assertThat(S3Config.parse(url, env()).region()).isEqualTo("us-east-1");
    }

    @Test
    void urlEncodedParametersAreDecoded() {
        S3Config c = S3Config.parse("s3://?endpoint=https%3A%2F%2Fabc.supabase.co%2Fstorage%2Fv1%2Fs3&region=auto",
                env());
        assertThat(c.endpoint()).isEqualTo(URI.create("https://abc.supabase.co/storage/v1/s3"));
        assertThat(c.region()).isEqualTo("auto");
    }

    @Test
    void hostAndPathInTheUrlMeanAnHttpsEndpoint() {
        S3Config c = S3Config.parse("s3://abc.supabase.co/storage/v1/s3?region=eu-central-1", env());
        assertThat(c.endpoint()).isEqualTo(URI.create("https://abc.supabase.co/storage/v1/s3"));
        assertThat(c.describe()).isEqualTo("s3://abc.supabase.co/storage/v1/s3");
    }

    @Test
    void endpointFallsBackToTheAwsEndpointVariablesThenToAwsItself() {
        assertThat(S3Config.parse("s3://", env("AWS_ENDPOINT_URL_S3", "http://minio:9000",
                "AWS_ENDPOINT_URL", "http://other:1")).endpoint()).isEqualTo(URI.create("http://minio:9000"));
        assertThat(S3Config.parse("s3://", env("AWS_ENDPOINT_URL", "http://other:1")).endpoint())
                .isEqualTo(URI.create("http://other:1"));

        S3Config aws = S3Config.parse("s3://?region=eu-west-1", env());
        assertThat(aws.endpoint()).isNull();
        assertThat(aws.describe()).isEqualTo("s3://s3.eu-west-1.amazonaws.com");
    }

    @Test
    void noEndpointAndNoRegionIsRefusedInsteadOfSilentlyMeaningAws() {
        assertThatThrownBy(() -> S3Config.parse("s3://", env()))
                .isInstanceOf(dev.pokepedia.core.ConfigurationException.class)
                .hasMessageContaining("no endpoint and no region")
                .satisfies(e -> assertThat(((dev.pokepedia.core.PokepediaException) e).hint()).contains("endpoint=").contains("AWS_REGION"));
        assertThat(S3Config.parse("s3://", env("AWS_REGION", "eu-west-1")).endpoint()).isNull();
    }

    @Test
    void publicBaseUrlIsKeptWithoutTrailingSlash() {
        S3Config c = S3Config.parse(
                "s3://?endpoint=http://127.0.0.1:9000&publicBaseUrl=https://cdn.example.org/media/", env());
        assertThat(c.publicBaseUrl()).isEqualTo("https://cdn.example.org/media");
    }

    @Test
    void missingAccessKeyIsAConfigurationErrorNamingTheVariable() {
        Map<String, String> env = env();
        env.remove("AWS_ACCESS_KEY_ID");

        assertThatThrownBy(() -> S3Config.parse("s3://?endpoint=http://127.0.0.1:9000", env))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.CONFIGURATION);
                    assertThat(e.getMessage()).contains("AWS_ACCESS_KEY_ID");
                    assertThat(e.hint()).contains("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY");
                });
    }

    @Test
    void missingOrBlankSecretKeyIsAConfigurationErrorNamingTheVariable() {
        Map<String, String> missing = env();
        missing.remove("AWS_SECRET_ACCESS_KEY");
        assertThatThrownBy(() -> S3Config.parse("s3://?endpoint=http://127.0.0.1:9000", missing))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("AWS_SECRET_ACCESS_KEY");

        assertThatThrownBy(() -> S3Config.parse("s3://?endpoint=http://127.0.0.1:9000",
                env("AWS_SECRET_ACCESS_KEY", "  ")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("AWS_SECRET_ACCESS_KEY");
    }

    @Test
    void malformedUrlsAreConfigurationErrorsSayingWhatIsWrong() {
        assertThatThrownBy(() -> S3Config.parse("file:///data", env()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("not an S3 storage URL");
        assertThatThrownBy(() -> S3Config.parse("s3://?endpont=http://127.0.0.1:9000", env()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("unknown parameter 'endpont'");
        assertThatThrownBy(() -> S3Config.parse("s3://?endpoint=ftp://127.0.0.1:21", env()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("http(s) URL");
        assertThatThrownBy(() -> S3Config.parse("s3://?endpoint=", env()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("empty");
    }

    @Test
    void credentialsInTheEndpointAreRejectedWithoutEchoingThem() {
        assertThatThrownBy(() -> S3Config.parse("s3://?endpoint=http://user:hunter2@127.0.0.1:9000", env()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("must not contain credentials")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void toStringMasksTheSecretKey() {
        S3Config c = S3Config.parse("s3://?endpoint=http://127.0.0.1:9000", env());
        assertThat(c.toString())
                .doesNotContain("wJalrXUtnFEMI-very-secret")
                .contains("secretKey=****", "accessKey=AKIDEXAMPLE", "endpoint=http://127.0.0.1:9000");
    }

    @Test
    void describeNamesTheEndpointOnly() {
        S3Config c = S3Config.parse("s3://?endpoint=http://127.0.0.1:9000", env());
        assertThat(c.describe()).isEqualTo("s3://127.0.0.1:9000");
    }
}
