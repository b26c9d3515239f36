<?php
/**
 * Router for `php -S` serving one private WordPress instance (started by scripts/wordpress-dev.sh).
 *
 * The instance directory (the server's document root) holds its own wp-config.php and symlinks to
 * Debian's /usr/share/wordpress. PHP resolves symlinks in __FILE__, so without help
 * wp-load.php would set ABSPATH to /usr/share/wordpress/ and read Debian's host-keyed config;
 * defining ABSPATH here pins every request to this instance's wp-config.php.
 *
 * Authorization: PHP's built-in server hands the header to PHP as HTTP_AUTHORIZATION (and
 * PHP_AUTH_USER/PHP_AUTH_PW for Basic), which WordPress needs for application passwords. The
 * fallback below only matters for builds that do not. With MCPHUB_WP_STRIP_AUTHORIZATION=1 the
 * header is removed instead, as Apache with CGI/FastCGI (no CGIPassAuth) or some proxies do: the
 * credentials never reach WordPress and an authenticated request is answered as anonymous.
 */

$mcphub_docroot = rtrim($_SERVER['DOCUMENT_ROOT'], '/');
if (!defined('ABSPATH')) {
    define('ABSPATH', $mcphub_docroot . '/');
}

if (getenv('MCPHUB_WP_STRIP_AUTHORIZATION') === '1') {
    unset(
        $_SERVER['HTTP_AUTHORIZATION'],
        $_SERVER['REDIRECT_HTTP_AUTHORIZATION'],
        $_SERVER['PHP_AUTH_USER'],
        $_SERVER['PHP_AUTH_PW'],
        $_SERVER['AUTH_TYPE']
    );
} elseif (!isset($_SERVER['HTTP_AUTHORIZATION']) && function_exists('getallheaders')) {
    foreach (getallheaders() as $name => $value) {
        if (strcasecmp($name, 'Authorization') === 0) {
            $_SERVER['HTTP_AUTHORIZATION'] = $value;
        }
    }
}

// Existing files (static assets, wp-login.php, wp-admin/...): the built-in server serves or runs
// them itself, keeping what this script defined. Anything else goes to WordPress's front controller.
$mcphub_path = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH) ?: '/';
if (strpos($mcphub_path, '..') === false) {
    $mcphub_target = $mcphub_docroot . $mcphub_path;
    if (is_file($mcphub_target) || is_file(rtrim($mcphub_target, '/') . '/index.php')) {
        return false;
    }
}
$_SERVER['SCRIPT_NAME'] = '/index.php';
$_SERVER['PHP_SELF'] = '/index.php';
$_SERVER['SCRIPT_FILENAME'] = $mcphub_docroot . '/index.php';
require $mcphub_docroot . '/index.php';
