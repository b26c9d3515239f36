<?php
/**
 * Install WordPress into an instance and give its administrator an application password.
 *
 *     php install.php <www dir> <title> <user> <email> <password> <application name>
 *
 * Prints {"user_id", "user", "app_password", "app_password_uuid"}; the application password is
 * in WordPress's display form, groups of four separated by spaces.
 *
 * The site starts empty (the default post, page, privacy-policy draft and comment are deleted)
 * and with plain permalinks, so its REST API answers only at /?rest_route=/...
 */

define('WP_INSTALLING', true);
require __DIR__ . '/bootstrap.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';

[$title, $user, $email, $password, $app_name] = array_pad($mcphub_args, 5, null);
if ($app_name === null) {
    mcphub_die('usage: install.php <www dir> <title> <user> <email> <password> <application name>');
}
if (is_blog_installed()) {
    mcphub_die('WordPress is already installed in database ' . DB_NAME);
}

$installed = wp_install($title, $user, $email, false, '', wp_slash($password));
$user_id = (int) $installed['user_id'];

// Plain permalinks: wp_install may have tried pretty ones (its loopback check fails here anyway).
update_option('permalink_structure', '');
delete_option('rewrite_rules');

foreach (get_posts(['post_type' => 'any', 'post_status' => 'any', 'numberposts' => -1, 'fields' => 'ids']) as $post_id) {
    wp_delete_post($post_id, true);
}
foreach (get_comments(['fields' => 'ids', 'status' => 'all']) as $comment_id) {
    wp_delete_comment($comment_id, true);
}
update_option('wp_page_for_privacy_policy', 0);

if (!wp_is_application_passwords_available_for_user(get_userdata($user_id))) {
    mcphub_die('application passwords are unavailable (they need HTTPS or WP_ENVIRONMENT_TYPE local)');
}
$created = WP_Application_Passwords::create_new_application_password($user_id, ['name' => $app_name]);
if (is_wp_error($created)) {
    mcphub_die('creating the application password failed: ' . $created->get_error_message());
}
[$app_password, $item] = $created;

mcphub_out([
    'user_id' => $user_id,
    'user' => $user,
    'app_password' => WP_Application_Passwords::chunk_password($app_password),
    'app_password_uuid' => $item['uuid'],
]);
