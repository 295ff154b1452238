package dev.pokepedia.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Drives the admin pages like a browser would: keeps cookies, reads the form tokens out of the HTML. */
final class AdminClient {

    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    private final Http http;
    private final Map<String, String> cookies = new LinkedHashMap<>();
    String csrf;

    AdminClient(Http http) {
        this.http = http;
    }

    HttpResponse<byte[]> get(String path, String... headers) {
        HttpResponse<byte[]> r = http.get(path, withCookies(headers));
        keep(r);
        return r;
    }

    HttpResponse<byte[]> post(String path, String form, String... headers) {
        HttpResponse<byte[]> r = http.send("POST", path, form, withCookies(headers));
        keep(r);
        return r;
    }

    /** Opens the login form and submits {@code password} with the form's token. */
    HttpResponse<byte[]> login(String password, String... headers) {
        HttpResponse<byte[]> form = get("/admin/login", headers);
        assertThat(form.statusCode()).isEqualTo(200);
        return post("/admin/login", "csrf=" + token(Http.text(form)) + "&password=" + enc(password), headers);
    }

    /** Logs in and reads the session's CSRF token off the dashboard. */
    void loginOk(String password) {
        HttpResponse<byte[]> r = login(password);
        assertThat(r.statusCode()).as(Http.text(r)).isEqualTo(303);
        assertThat(r.headers().firstValue("Location")).hasValue("/admin");
        HttpResponse<byte[]> dash = get("/admin");
        assertThat(dash.statusCode()).isEqualTo(200);
        csrf = token(Http.text(dash));
    }

    String cookie(String name) {
        return cookies.get(name);
    }

    void setCookie(String name, String value) {
        cookies.put(name, value);
    }

    static String token(String html) {
        Matcher m = CSRF.matcher(html);
        assertThat(m.find()).as("a csrf field in " + html).isTrue();
        return m.group(1);
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private String[] withCookies(String... headers) {
        List<String> h = new ArrayList<>(List.of(headers));
        if (!cookies.isEmpty()) {
            h.add("Cookie");
            h.add(String.join("; ", cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()));
        }
        return h.toArray(String[]::new);
    }

    private void keep(HttpResponse<byte[]> r) {
        for (String sc : r.headers().allValues("Set-Cookie")) {
            String pair = sc.split(";", 2)[0];
            int eq = pair.indexOf('=');
            String name = pair.substring(0, eq).trim();
            String value = pair.substring(eq + 1).trim();
            if (value.isEmpty() || sc.contains("Max-Age=0")) {
                cookies.remove(name);
            } else {
                cookies.put(name, value);
            }
        }
    }
}
