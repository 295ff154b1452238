package dev.pokepedia.medialibrary.internal;

import com.cloudinary.Cloudinary;
import com.cloudinary.api.ApiResponse;
import com.cloudinary.api.AuthorizationRequired;
import com.cloudinary.api.exceptions.AlreadyExists;
import com.cloudinary.api.exceptions.BadRequest;
import com.cloudinary.api.exceptions.NotAllowed;
import com.cloudinary.api.exceptions.NotFound;
import com.cloudinary.api.exceptions.RateLimited;
import dev.pokepedia.medialibrary.AssetChanges;
import dev.pokepedia.medialibrary.AssetPage;
import dev.pokepedia.medialibrary.AssetRef;
import dev.pokepedia.medialibrary.CloudinaryConfig;
import dev.pokepedia.medialibrary.DeleteResult;
import dev.pokepedia.medialibrary.MediaProvider;
import dev.pokepedia.medialibrary.ProviderAsset;
import dev.pokepedia.medialibrary.ProviderException;
import dev.pokepedia.medialibrary.ProviderException.Kind;
import dev.pokepedia.medialibrary.ResourceType;
import dev.pokepedia.medialibrary.UploadRequest;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link MediaProvider} over Cloudinary's official Java SDK: the Admin API for listing ({@code next_cursor}, 500 per
 * page), reading, updating and bulk deletes (100 per call); the signed Upload API for upload, destroy and rename.
 * Every Admin API call goes through the {@link RateLimitGovernor}, which reads the quota headers of each answer.
 *
 * <p>Known limit: the SDK turns a 420 into an exception that drops the answer's headers, so the wait after a 420 uses
 * the reset time of the last successful answer (the one that said the quota was nearly out), else one minute.
 */
public final class CloudinaryProvider implements MediaProvider {

    public static final int MAX_PAGE = 500;
    public static final int DELETE_CHUNK = 100;
    private static final int MAX_RATE_LIMIT_RETRIES = 3;
    private static final List<ResourceType> LIST_ORDER = List.of(ResourceType.IMAGE, ResourceType.VIDEO, ResourceType.RAW);
    private static final Logger log = LoggerFactory.getLogger(CloudinaryProvider.class);

    private final CloudinaryConfig config;
    private final Cloudinary cloudinary;
    private final RateLimitGovernor governor;

    public CloudinaryProvider(CloudinaryConfig config, RateLimitGovernor governor) {
        this.config = config;
        this.governor = governor;
        Map<String, Object> sdk = new HashMap<>();
        sdk.put("cloud_name", config.cloudName());
        sdk.put("api_key", config.apiKey());
        sdk.put("api_secret", config.apiSecret());
        sdk.put("upload_prefix", config.apiBase().toString());
        sdk.put("secure", true);
        sdk.put("timeout", 60);
        sdk.put("analytics", false);
        this.cloudinary = new Cloudinary(sdk);
    }

    @Override
    public String kind() {
        return "cloudinary";
    }

    @Override
    public String cloud() {
        return config.cloudName();
    }

    /** Side of the square a thumbnail fits in (CSS pixels; the grid shows 120 px, twice that for dense screens). */
    static final int THUMBNAIL_PX = 240;

    @Override
    public Optional<java.net.URI> thumbnail(AssetRef ref) {
        if (ref.type() == ResourceType.RAW) {
            return Optional.empty();
        }
        // why the SDK: it encodes the public id and the transformation as Cloudinary's delivery URLs expect
        var url = cloudinary.url().secure(true).resourceType(ref.type().wire())
                .transformation(new com.cloudinary.Transformation<>().width(THUMBNAIL_PX).height(THUMBNAIL_PX).crop("fit"));
        if (ref.type() == ResourceType.VIDEO) {
            url = url.format("jpg"); // a still of the video
        }
        return Optional.of(java.net.URI.create(url.generate(ref.publicId())));
    }

    @Override
    public Optional<String> thumbnailOrigin() {
        java.net.URI any = thumbnail(AssetRef.image("x")).orElseThrow();
        return Optional.of(any.getScheme() + "://" + any.getAuthority());
    }

    public RateLimitGovernor governor() {
        return governor;
    }

    /**
     * Lists image, then video, then raw resources. Our cursor is {@code <type>:<Cloudinary's next_cursor>}, so a run
     * resumed from a stored cursor continues in the right resource type.
     */
    @Override
    public AssetPage list(String prefix, String cursor, int maxResults) {
        if (maxResults < 1 || maxResults > MAX_PAGE) {
            throw new IllegalArgumentException("max results must be 1.." + MAX_PAGE + ", got " + maxResults);
        }
        ResourceType type = ResourceType.IMAGE;
        String providerCursor = null;
        if (cursor != null && !cursor.isEmpty()) {
            int colon = cursor.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("not a cursor of this provider: " + cursor);
            }
            type = ResourceType.of(cursor.substring(0, colon));
            providerCursor = cursor.substring(colon + 1);
            if (providerCursor.isEmpty()) {
                providerCursor = null;
            }
        }
        Map<String, Object> options = new HashMap<>();
        options.put("resource_type", type.wire());
        options.put("type", "upload");
        options.put("max_results", maxResults);
        options.put("tags", true);
        options.put("context", true);
        options.put("metadata", true);
        if (prefix != null && !prefix.isEmpty()) {
            options.put("prefix", prefix);
        }
        if (providerCursor != null) {
            options.put("next_cursor", providerCursor);
        }
        ResourceType listed = type;
        ApiResponse response = admin("list " + type.wire() + " resources", () -> cloudinary.api().resources(options));
        List<ProviderAsset> assets = new ArrayList<>();
        Object resources = response.get("resources");
        if (resources instanceof List<?> list) {
            for (Object o : list) {
                assets.add(toAsset(listed, asMap(o)));
            }
        }
        String next = (String) response.get("next_cursor");
        String ours;
        if (next != null && !next.isEmpty()) {
            ours = listed.wire() + ":" + next;
        } else {
            int i = LIST_ORDER.indexOf(listed);
            ours = i + 1 < LIST_ORDER.size() ? LIST_ORDER.get(i + 1).wire() + ":" : null;
        }
        return new AssetPage(assets, ours);
    }

    @Override
    public Optional<ProviderAsset> get(AssetRef ref) {
        try {
            ApiResponse r = admin("read " + ref.publicId(), () -> cloudinary.api().resource(ref.publicId(),
                    Map.of("resource_type", ref.type().wire(), "type", "upload")));
            return Optional.of(toAsset(ref.type(), r));
        } catch (ProviderException e) {
            if (e.kind() == Kind.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public ProviderAsset upload(UploadRequest request) {
        Map<String, Object> options = new HashMap<>();
        options.put("public_id", request.ref().publicId());
        options.put("resource_type", request.ref().type().wire());
        options.put("overwrite", true);
        options.put("invalidate", true);
        if (!request.tags().isEmpty()) {
            options.put("tags", request.tags());
        }
        if (!request.context().isEmpty()) {
            options.put("context", new LinkedHashMap<>(request.context()));
        }
        if (request.displayName() != null) {
            options.put("display_name", request.displayName());
        }
        Map<?, ?> r = uploadApi("upload " + request.ref().publicId(),
                o -> cloudinary.uploader().upload(request.content(), o), options);
        return toAsset(request.ref().type(), r);
    }

    @Override
    public boolean destroy(AssetRef ref) {
        Map<String, Object> options = new HashMap<>();
        options.put("resource_type", ref.type().wire());
        options.put("invalidate", true);
        Map<?, ?> r = uploadApi("destroy " + ref.publicId(), o -> cloudinary.uploader().destroy(ref.publicId(), o),
                options);
        return "ok".equals(r.get("result"));
    }

    @Override
    public DeleteResult delete(ResourceType type, Collection<String> publicIds) {
        Map<String, String> outcomes = new LinkedHashMap<>();
        List<String> all = List.copyOf(publicIds);
        for (int from = 0; from < all.size(); from += DELETE_CHUNK) {
            List<String> chunk = all.subList(from, Math.min(all.size(), from + DELETE_CHUNK));
            try {
                ApiResponse r = admin("delete " + chunk.size() + " resources", () -> cloudinary.api()
                        .deleteResources(chunk, new HashMap<>(Map.of("resource_type", type.wire(), "type", "upload"))));
                Map<String, Object> deleted = asMap(r.get("deleted"));
                for (String id : chunk) {
                    outcomes.put(id, String.valueOf(deleted.getOrDefault(id, "not_found")));
                }
            } catch (ProviderException e) {
                if (e.retriable()) {
                    throw e;
                }
                chunk.forEach(id -> outcomes.put(id, "error: " + e.getMessage()));
            }
        }
        return new DeleteResult(outcomes);
    }

    @Override
    public ProviderAsset update(AssetRef ref, AssetChanges changes) {
        Map<String, Object> options = new HashMap<>();
        options.put("resource_type", ref.type().wire());
        options.put("type", "upload");
        if (changes.tags() != null) {
            options.put("tags", changes.tags());
        }
        if (changes.context() != null) {
            options.put("context", new LinkedHashMap<>(changes.context()));
        }
        if (changes.displayName() != null) {
            options.put("display_name", changes.displayName());
        }
        ApiResponse r = admin("update " + ref.publicId(), () -> cloudinary.api().update(ref.publicId(), options));
        return toAsset(ref.type(), r);
    }

    @Override
    public ProviderAsset rename(AssetRef from, String toPublicId) {
        Map<String, Object> options = new HashMap<>();
        options.put("resource_type", from.type().wire());
        options.put("invalidate", true);
        Map<?, ?> r = uploadApi("rename " + from.publicId(),
                o -> cloudinary.uploader().rename(from.publicId(), toPublicId, o), options);
        return toAsset(from.type(), r);
    }

    // --- calls ---

    @FunctionalInterface
    interface AdminCall {
        ApiResponse call() throws Exception;
    }

    @FunctionalInterface
    interface UploadCall {
        Map<?, ?> call(Map<String, Object> options) throws Exception;
    }

    private ApiResponse admin(String what, AdminCall call) {
        for (int attempt = 0; ; attempt++) {
            governor.beforeCall();
            try {
                ApiResponse r = call.call();
                observe(r);
                return r;
            } catch (RateLimited e) {
                if (attempt >= MAX_RATE_LIMIT_RETRIES) {
                    throw failure(what, Kind.RATE_LIMITED, e.getMessage(), e);
                }
                log.info("Cloudinary rate limit reached during {}; waiting for the reset", what);
                governor.afterRejection();
            } catch (NotFound e) {
                throw failure(what, Kind.NOT_FOUND, e.getMessage(), e);
            } catch (AuthorizationRequired | NotAllowed e) {
                throw failure(what, Kind.UNAUTHORIZED, e.getMessage(), e);
            } catch (BadRequest | AlreadyExists e) {
                throw failure(what, Kind.REJECTED, e.getMessage(), e);
            } catch (ProviderException e) {
                throw e;
            } catch (Exception e) {
                String m = String.valueOf(e.getMessage());
                if (m.contains("status code - 429") && attempt < MAX_RATE_LIMIT_RETRIES) {
                    governor.afterRejection();
                    continue;
                }
                throw failure(what, Kind.UNAVAILABLE, m, e);
            }
        }
    }

    private Map<?, ?> uploadApi(String what, UploadCall call, Map<String, Object> options) {
        options.put("return_error", true); // why: so the SDK hands us the HTTP status instead of a bare message
        for (int attempt = 0; ; attempt++) {
            Map<?, ?> r;
            try {
                r = call.call(new HashMap<>(options));
            } catch (Exception e) {
                throw failure(what, Kind.UNAVAILABLE, String.valueOf(e.getMessage()), e);
            }
            Object error = r.get("error");
            if (error == null) {
                return r;
            }
            Map<String, Object> err = asMap(error);
            int code = err.get("http_code") instanceof Number n ? n.intValue() : 0;
            String message = String.valueOf(err.get("message"));
            if ((code == 420 || code == 429) && attempt < MAX_RATE_LIMIT_RETRIES) {
                governor.afterRejection();
                continue;
            }
            Kind kind = switch (code) {
                case 404 -> Kind.NOT_FOUND;
                case 401, 403 -> Kind.UNAUTHORIZED;
                case 420, 429 -> Kind.RATE_LIMITED;
                case 400, 409 -> Kind.REJECTED;
                default -> Kind.UNAVAILABLE;
            };
            throw failure(what, kind, code + " " + message, null);
        }
    }

    private ProviderException failure(String what, Kind kind, String message, Throwable cause) {
        String hint = switch (kind) {
            case UNAUTHORIZED -> "check CLOUDINARY_URL (API key and secret of cloud " + config.cloudName() + ")";
            case RATE_LIMITED -> "the hourly Admin API quota is used up; rerun after the reset (a sync resumes)";
            case UNAVAILABLE -> "Cloudinary did not answer properly; retry later (a sync resumes from its cursor)";
            default -> "";
        };
        // why redact: a provider's message may quote what it was sent; the secret must never reach a log or a user
        return new ProviderException(kind, "Cloudinary " + what + " in cloud " + config.cloudName() + " failed: "
                + redact(message), hint, cause);
    }

    private String redact(String s) {
        return s == null ? "" : s.replace(config.apiSecret(), "***");
    }

    private void observe(ApiResponse r) {
        if (r instanceof com.cloudinary.http5.api.Response resp) {
            HttpResponse raw = resp.getRawHttpResponse();
            governor.observe(longHeader(raw, "X-FeatureRateLimit-Limit"), longHeader(raw, "X-FeatureRateLimit-Remaining"),
                    dateHeader(raw, "X-FeatureRateLimit-Reset"));
        }
    }

    private static Long longHeader(HttpResponse r, String name) {
        Header h = r.getFirstHeader(name);
        if (h == null) {
            return null;
        }
        try {
            return Long.parseLong(h.getValue().trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Instant dateHeader(HttpResponse r, String name) {
        Header h = r.getFirstHeader(name);
        if (h == null) {
            return null;
        }
        try {
            return ZonedDateTime.parse(h.getValue().trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (RuntimeException e) {
            return null;
        }
    }

    // --- mapping ---

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    public static ProviderAsset toAsset(ResourceType fallbackType, Map<?, ?> r) {
        Map<String, Object> m = asMap(r);
        String publicId = (String) m.get("public_id");
        ResourceType type = m.get("resource_type") instanceof String s ? ResourceType.of(s) : fallbackType;
        String folder = m.get("asset_folder") instanceof String s ? s
                : m.get("folder") instanceof String s2 ? s2 : ProviderAsset.folderOf(publicId);
        List<String> tags = new ArrayList<>();
        if (m.get("tags") instanceof List<?> l) {
            l.forEach(t -> tags.add(String.valueOf(t)));
        }
        Map<String, Object> ctx = asMap(m.get("context"));
        Map<String, Object> custom = ctx.containsKey("custom") ? asMap(ctx.get("custom")) : ctx;
        Map<String, String> context = new LinkedHashMap<>();
        custom.forEach((k, v) -> context.put(k, String.valueOf(v)));
        Map<String, String> metadata = new LinkedHashMap<>();
        asMap(m.get("metadata")).forEach((k, v) -> metadata.put(k, String.valueOf(v)));
        Long version = m.get("version") instanceof Number n ? n.longValue() : null;
        Instant created = instant(m.get("created_at"));
        Instant updated = version != null ? Instant.ofEpochSecond(version) : created;
        return new ProviderAsset(new AssetRef(type, publicId), (String) m.get("format"), number(m.get("bytes")),
                m.get("width") instanceof Number n ? n.intValue() : null,
                m.get("height") instanceof Number n ? n.intValue() : null,
                m.get("duration") instanceof Number n ? n.doubleValue() : null,
                folder, (String) m.get("display_name"), tags, context, metadata, (String) m.get("secure_url"), version,
                (String) m.get("etag"), created, updated);
    }

    private static Long number(Object o) {
        return o instanceof Number n ? n.longValue() : null;
    }

    private static Instant instant(Object o) {
        if (o instanceof String s && !s.isBlank()) {
            try {
                return Instant.parse(s);
            } catch (RuntimeException e) {
                return null;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "CloudinaryProvider[" + config + "]";
    }
}
