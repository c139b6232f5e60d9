package dev.pipelinesdk.examples.stops;

import org.locationtech.jts.geom.Envelope;

/** Great-circle distances and search envelopes on a spherical earth. */
public final class Geo {

    /** Mean earth radius in metres (IUGG). */
    public static final double EARTH_RADIUS_METRES = 6_371_008.8;

    private Geo() {
    }

    /**
     * @return the haversine (great-circle) distance in metres between two WGS84 points given in degrees,
     *     {@link Double#NaN} when a coordinate is NaN
     */
    public static double distanceMetres(double lat1, double lon1, double lat2, double lon2) {
        double p1 = Math.toRadians(lat1);
        double p2 = Math.toRadians(lat2);
        double dp = p2 - p1;
        double dl = Math.toRadians(lon2 - lon1);
        double s1 = Math.sin(dp / 2);
        double s2 = Math.sin(dl / 2);
        double h = s1 * s1 + Math.cos(p1) * Math.cos(p2) * s2 * s2;
        return 2 * EARTH_RADIUS_METRES * Math.asin(Math.min(1.0, Math.sqrt(h)));
    }

    /**
     * The smallest lon/lat box (x = lon, y = lat, degrees) holding every point within {@code radiusMetres} of
     * the centre: the latitude half-height is the radius as an angle, the longitude half-width
     * {@code asin(sin(r) / cos(lat))}, which is slightly wider than {@code r / cos(lat)} because the parallel is
     * not a great circle. Near a pole the box spans all longitudes. Not split at the antimeridian (not needed for
     * the regions this is used on).
     *
     * @return the search envelope
     */
    public static Envelope searchEnvelope(double lat, double lon, double radiusMetres) {
        double angle = radiusMetres / EARTH_RADIUS_METRES;
        double dLat = Math.toDegrees(angle);
        double minLat = Math.max(-90, lat - dLat);
        double maxLat = Math.min(90, lat + dLat);
        double cos = Math.cos(Math.toRadians(lat));
        double sinRatio = Math.sin(angle) / cos;
        if (minLat <= -90 || maxLat >= 90 || !(sinRatio < 1)) {
            return new Envelope(-180, 180, minLat, maxLat);
        }
        double dLon = Math.toDegrees(Math.asin(sinRatio)) * (1 + 1e-9);
        return new Envelope(lon - dLon, lon + dLon, minLat, maxLat);
    }
}
