package dev.longvqa.runtime.hub;

/**
 * A file of a hub repository.
 *
 * @param size   bytes, or -1 when the listing did not say
 * @param sha256 lowercase hex SHA-256 of the content (LFS files), or null
 */
public record RemoteFile(String path, long size, String sha256) {
}
