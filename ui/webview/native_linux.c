//go:build webview && cgo && linux

// The native half of the kiosk lock, on the WebKitWebView that webview_go
// puts in its GtkWindow: settings, policy and signal handlers, the user
// style sheet, and the window's geometry. Everything here runs on the GTK
// main thread. Decisions that need the window's rules (which URLs are
// allowed) and everything worth counting go to Go (kioskAgentAllow,
// kioskAgentEvent in native_linux.go).

#include <string.h>
#include <gtk/gtk.h>
#include <gdk/gdkkeysyms.h>
#include <webkit2/webkit2.h>

// Exported by native_linux.go.
extern int kioskAgentAllow(char *uri);
extern void kioskAgentEvent(int kind, char *detail);

// Event kinds; keep in step with native_linux.go.
enum {
	KIOSK_LOAD_STARTED = 1,
	KIOSK_LOAD_FINISHED = 2,
	KIOSK_LOAD_FAILED = 3,
	KIOSK_PROCESS_GONE = 4,
	KIOSK_BLOCKED = 5,
	KIOSK_RELOAD = 6,
};

static struct {
	GtkWindow *window;
	WebKitWebView *view;
	int fullscreen, monitor, width, height, debug;
	GdkEventSequence *touch;       // the one finger that may touch
	GdkEventSequence *others[16];  // further fingers, swallowed
} kiosk;

static void event(int kind, const char *detail) { kioskAgentEvent(kind, (char *)(detail ? detail : "")); }
static void blocked(const char *what) { event(KIOSK_BLOCKED, what); }

static gboolean on_decide_policy(WebKitWebView *v, WebKitPolicyDecision *d, WebKitPolicyDecisionType type, gpointer data) {
	switch (type) {
	case WEBKIT_POLICY_DECISION_TYPE_NAVIGATION_ACTION: {
		WebKitNavigationAction *a = webkit_navigation_policy_decision_get_navigation_action(WEBKIT_NAVIGATION_POLICY_DECISION(d));
		const char *uri = webkit_uri_request_get_uri(webkit_navigation_action_get_request(a));
		if (uri && kioskAgentAllow((char *)uri)) {
			webkit_policy_decision_use(d);
		} else {
			blocked("navigation");
			webkit_policy_decision_ignore(d);
		}
		return TRUE;
	}
	case WEBKIT_POLICY_DECISION_TYPE_NEW_WINDOW_ACTION:
		blocked("newWindow");
		webkit_policy_decision_ignore(d);
		return TRUE;
	case WEBKIT_POLICY_DECISION_TYPE_RESPONSE:
		if (!webkit_response_policy_decision_is_mime_type_supported(WEBKIT_RESPONSE_POLICY_DECISION(d))) {
			blocked("download");
			webkit_policy_decision_ignore(d);
			return TRUE;
		}
		return FALSE;
	default:
		return FALSE;
	}
}

static GtkWidget *on_create(WebKitWebView *v, WebKitNavigationAction *a, gpointer data) {
	blocked("newWindow");
	return NULL;
}

static gboolean on_context_menu(WebKitWebView *v, WebKitContextMenu *m, GdkEvent *e, WebKitHitTestResult *h, gpointer data) {
	blocked("contextMenu");
	return TRUE;
}

static gboolean on_script_dialog(WebKitWebView *v, WebKitScriptDialog *dialog, gpointer data) {
	// No pop-ups: alert is dropped, confirm and prompt answer "no"; a
	// page that asks before it is left is left (F5 must reload).
	if (webkit_script_dialog_get_dialog_type(dialog) == WEBKIT_SCRIPT_DIALOG_BEFORE_UNLOAD_CONFIRM)
		webkit_script_dialog_confirm_set_confirmed(dialog, TRUE);
	blocked("dialog");
	return TRUE;
}

static gboolean on_permission(WebKitWebView *v, WebKitPermissionRequest *r, gpointer data) {
	webkit_permission_request_deny(r);
	blocked("permission");
	return TRUE;
}

static gboolean on_file_chooser(WebKitWebView *v, WebKitFileChooserRequest *r, gpointer data) {
	webkit_file_chooser_request_cancel(r);
	blocked("fileChooser");
	return TRUE;
}

static gboolean on_print(WebKitWebView *v, WebKitPrintOperation *p, gpointer data) {
	blocked("print");
	return TRUE;
}

static gboolean on_swallow(WebKitWebView *v, gpointer a, gpointer data) {
	blocked((const char *)data);
	return TRUE;
}

static gboolean on_color_chooser(WebKitWebView *v, WebKitColorChooserRequest *r, gpointer data) {
	webkit_color_chooser_request_cancel(r);
	blocked("colorChooser");
	return TRUE;
}

static gboolean on_authenticate(WebKitWebView *v, WebKitAuthenticationRequest *r, gpointer data) {
	webkit_authentication_request_cancel(r);
	blocked("authentication");
	return TRUE;
}

static void on_download(WebKitWebContext *c, WebKitDownload *d, gpointer data) {
	webkit_download_cancel(d);
	blocked("download");
}

static void on_zoom(GObject *o, GParamSpec *p, gpointer data) {
	if (webkit_web_view_get_zoom_level(kiosk.view) != 1.0) {
		webkit_web_view_set_zoom_level(kiosk.view, 1.0);
		blocked("zoom");
	}
}

static gboolean on_key(GtkWidget *w, GdkEventKey *e, gpointer data) {
	guint mods = e->state & gtk_accelerator_get_default_mod_mask();
	guint k = gdk_keyval_to_lower(e->keyval);
	if (k == GDK_KEY_F5 || (mods == GDK_CONTROL_MASK && k == GDK_KEY_r)) {
		event(KIOSK_RELOAD, "");
		return TRUE;
	}
	if (mods & GDK_CONTROL_MASK) {
		switch (k) {
		case GDK_KEY_plus: case GDK_KEY_equal: case GDK_KEY_minus: case GDK_KEY_underscore: case GDK_KEY_0:
		case GDK_KEY_KP_Add: case GDK_KEY_KP_Subtract: case GDK_KEY_KP_0: case GDK_KEY_KP_Equal:
			blocked("zoom");
			return TRUE;
		}
		if (!kiosk.debug && (mods & GDK_SHIFT_MASK) && (k == GDK_KEY_i || k == GDK_KEY_j || k == GDK_KEY_c)) {
			blocked("key");
			return TRUE;
		}
	}
	if (mods & GDK_MOD1_MASK) {
		switch (k) {
		case GDK_KEY_Left: case GDK_KEY_Right: case GDK_KEY_Home: case GDK_KEY_KP_Left: case GDK_KEY_KP_Right:
			blocked("key");
			return TRUE;
		}
	}
	switch (k) {
	case GDK_KEY_Back: case GDK_KEY_Forward: case GDK_KEY_HomePage: case GDK_KEY_F11: case GDK_KEY_F12:
		blocked("key");
		return TRUE;
	}
	return FALSE;
}

static gboolean on_button(GtkWidget *w, GdkEventButton *e, gpointer data) {
	if (e->button == 8 || e->button == 9) { // back and forward
		if (e->type == GDK_BUTTON_PRESS)
			blocked("key");
		return TRUE;
	}
	return FALSE;
}

static gboolean on_scroll(GtkWidget *w, GdkEventScroll *e, gpointer data) {
	if (e->state & GDK_CONTROL_MASK) {
		blocked("zoom");
		return TRUE;
	}
	return FALSE;
}

static int other_finger(GdkEventSequence *s, int drop) {
	for (int i = 0; i < 16; i++) {
		if (kiosk.others[i] == s && s != NULL) {
			if (drop)
				kiosk.others[i] = NULL;
			return 1;
		}
	}
	return 0;
}

// One finger at a time: a second finger (pinch zoom, two-finger swipes)
// never reaches WebKit. A touchpad pinch neither.
static gboolean on_event(GtkWidget *w, GdkEvent *e, gpointer data) {
	GdkEventSequence *s;
	switch (e->type) {
	case GDK_TOUCHPAD_PINCH:
		if (e->touchpad_pinch.phase == GDK_TOUCHPAD_GESTURE_PHASE_BEGIN)
			blocked("pinch");
		return TRUE;
	case GDK_TOUCH_BEGIN:
		s = gdk_event_get_event_sequence(e);
		if (kiosk.touch == NULL) {
			kiosk.touch = s;
			return FALSE;
		}
		for (int i = 0; i < 16; i++) {
			if (kiosk.others[i] == NULL) {
				kiosk.others[i] = s;
				break;
			}
		}
		blocked("pinch");
		return TRUE;
	case GDK_TOUCH_UPDATE:
		return other_finger(gdk_event_get_event_sequence(e), 0);
	case GDK_TOUCH_END:
	case GDK_TOUCH_CANCEL:
		s = gdk_event_get_event_sequence(e);
		if (s == kiosk.touch) {
			kiosk.touch = NULL;
			return FALSE;
		}
		return other_finger(s, 1);
	default:
		return FALSE;
	}
}

static void on_load_changed(WebKitWebView *v, WebKitLoadEvent ev, gpointer data) {
	if (ev == WEBKIT_LOAD_STARTED)
		event(KIOSK_LOAD_STARTED, webkit_web_view_get_uri(v));
	else if (ev == WEBKIT_LOAD_FINISHED)
		event(KIOSK_LOAD_FINISHED, webkit_web_view_get_uri(v));
}

static gboolean on_load_failed(WebKitWebView *v, WebKitLoadEvent ev, gchar *uri, GError *err, gpointer data) {
	// A cancelled load (another one replaced it) or one the policy refused
	// is no failure. No WebKit error page in any case.
	if (g_error_matches(err, WEBKIT_NETWORK_ERROR, WEBKIT_NETWORK_ERROR_CANCELLED) || err->domain == WEBKIT_POLICY_ERROR)
		return TRUE;
	char *detail = g_strdup_printf("%s\n%s", uri ? uri : "", err->message);
	event(KIOSK_LOAD_FAILED, detail);
	g_free(detail);
	return TRUE;
}

#if WEBKIT_CHECK_VERSION(2, 20, 0)
static void on_terminated(WebKitWebView *v, WebKitWebProcessTerminationReason r, gpointer data) {
	const char *why = "crashed";
	if (r == WEBKIT_WEB_PROCESS_EXCEEDED_MEMORY_LIMIT)
		why = "exceeded its memory limit";
#if WEBKIT_CHECK_VERSION(2, 34, 0)
	else if (r == WEBKIT_WEB_PROCESS_TERMINATED_BY_API)
		why = "was terminated by the window";
#endif
	event(KIOSK_PROCESS_GONE, why);
}
#else
static void on_crashed(WebKitWebView *v, gpointer data) { event(KIOSK_PROCESS_GONE, "crashed"); }
#endif

static gboolean on_delete(GtkWidget *w, GdkEvent *e, gpointer data) {
	blocked("close");
	return TRUE;
}

static void place(void) {
	GtkWindow *w = kiosk.window;
	if (!kiosk.fullscreen) {
		gtk_window_set_decorated(w, TRUE);
		gtk_window_resize(w, kiosk.width, kiosk.height);
		return;
	}
	GdkDisplay *d = gtk_widget_get_display(GTK_WIDGET(w));
	int n = gdk_display_get_n_monitors(d);
	int idx = kiosk.monitor;
	GdkMonitor *m = NULL;
	if (idx >= 0 && idx < n)
		m = gdk_display_get_monitor(d, idx);
	if (m == NULL)
		m = gdk_display_get_primary_monitor(d);
	if (m == NULL && n > 0)
		m = gdk_display_get_monitor(d, 0);
	gtk_window_set_decorated(w, FALSE);
	gtk_window_set_keep_above(w, TRUE);
	if (m != NULL) {
		// Without a window manager (a bare X session) nobody honours
		// the full-screen request: place the window ourselves.
		GdkRectangle g;
		gdk_monitor_get_geometry(m, &g);
		gtk_window_move(w, g.x, g.y);
		gtk_window_resize(w, g.width, g.height);
		for (int i = 0; i < n; i++) {
			if (gdk_display_get_monitor(d, i) == m) {
				gtk_window_fullscreen_on_monitor(w, gtk_widget_get_screen(GTK_WIDGET(w)), i);
				return;
			}
		}
	}
	gtk_window_fullscreen(w);
}

static void on_screen_changed(GdkScreen *s, gpointer data) { place(); }

// kiosk_gtk_init opens the display; 0 when it cannot (webview_go would then
// hold a NULL handle and crash at its first use).
int kiosk_gtk_init(void) { return gtk_init_check(NULL, NULL) ? 1 : 0; }

// kiosk_setup locks the view in window (webview_go's GtkWindow). It
// returns 0, or -1 when the window holds no WebKitWebView.
int kiosk_setup(void *window, const char *css, int fullscreen, int monitor, int width, int height, int debug) {
	GtkWidget *child = gtk_bin_get_child(GTK_BIN(window));
	if (child == NULL || !WEBKIT_IS_WEB_VIEW(child))
		return -1;
	memset(&kiosk, 0, sizeof kiosk);
	kiosk.window = GTK_WINDOW(window);
	kiosk.view = WEBKIT_WEB_VIEW(child);
	kiosk.fullscreen = fullscreen;
	kiosk.monitor = monitor;
	kiosk.width = width;
	kiosk.height = height;
	kiosk.debug = debug;
	WebKitWebView *v = kiosk.view;

	WebKitSettings *s = webkit_web_view_get_settings(v);
	webkit_settings_set_enable_developer_extras(s, debug);
	webkit_settings_set_javascript_can_open_windows_automatically(s, FALSE);
	webkit_settings_set_javascript_can_access_clipboard(s, FALSE);
	webkit_settings_set_enable_fullscreen(s, FALSE);
	webkit_settings_set_enable_caret_browsing(s, FALSE);
	// The page speaks its prompts without waiting for a tap.
	webkit_settings_set_media_playback_requires_user_gesture(s, FALSE);
#if WEBKIT_CHECK_VERSION(2, 24, 0)
	webkit_settings_set_enable_back_forward_navigation_gestures(s, FALSE);
#endif

	WebKitWebContext *ctx = webkit_web_view_get_context(v);
	webkit_web_context_set_cache_model(ctx, WEBKIT_CACHE_MODEL_DOCUMENT_VIEWER);
	g_signal_connect(ctx, "download-started", G_CALLBACK(on_download), NULL);

	WebKitUserContentManager *ucm = webkit_web_view_get_user_content_manager(v);
	WebKitUserStyleSheet *sheet = webkit_user_style_sheet_new(css, WEBKIT_USER_CONTENT_INJECT_ALL_FRAMES,
		WEBKIT_USER_STYLE_LEVEL_USER, NULL, NULL);
	webkit_user_content_manager_add_style_sheet(ucm, sheet);
	webkit_user_style_sheet_unref(sheet);

	g_signal_connect(v, "decide-policy", G_CALLBACK(on_decide_policy), NULL);
	g_signal_connect(v, "create", G_CALLBACK(on_create), NULL);
	if (!debug)
		g_signal_connect(v, "context-menu", G_CALLBACK(on_context_menu), NULL);
	g_signal_connect(v, "script-dialog", G_CALLBACK(on_script_dialog), NULL);
	g_signal_connect(v, "permission-request", G_CALLBACK(on_permission), NULL);
	g_signal_connect(v, "run-file-chooser", G_CALLBACK(on_file_chooser), NULL);
	g_signal_connect(v, "print", G_CALLBACK(on_print), NULL);
	g_signal_connect(v, "show-notification", G_CALLBACK(on_swallow), "notification");
	g_signal_connect(v, "run-color-chooser", G_CALLBACK(on_color_chooser), NULL);
	g_signal_connect(v, "authenticate", G_CALLBACK(on_authenticate), NULL);
	g_signal_connect(v, "notify::zoom-level", G_CALLBACK(on_zoom), NULL);
	g_signal_connect(v, "key-press-event", G_CALLBACK(on_key), NULL);
	g_signal_connect(v, "button-press-event", G_CALLBACK(on_button), NULL);
	g_signal_connect(v, "button-release-event", G_CALLBACK(on_button), NULL);
	g_signal_connect(v, "scroll-event", G_CALLBACK(on_scroll), NULL);
	g_signal_connect(v, "event", G_CALLBACK(on_event), NULL);
	g_signal_connect(v, "load-changed", G_CALLBACK(on_load_changed), NULL);
	g_signal_connect(v, "load-failed", G_CALLBACK(on_load_failed), NULL);
#if WEBKIT_CHECK_VERSION(2, 20, 0)
	g_signal_connect(v, "web-process-terminated", G_CALLBACK(on_terminated), NULL);
#else
	g_signal_connect(v, "web-process-crashed", G_CALLBACK(on_crashed), NULL);
#endif
	// Nothing dropped on the page: a dropped link or file is a navigation.
	gtk_drag_dest_unset(GTK_WIDGET(v));

	g_signal_connect(window, "delete-event", G_CALLBACK(on_delete), NULL);
	GdkScreen *screen = gtk_widget_get_screen(GTK_WIDGET(window));
	g_signal_connect(screen, "monitors-changed", G_CALLBACK(on_screen_changed), NULL);
	g_signal_connect(screen, "size-changed", G_CALLBACK(on_screen_changed), NULL);
	place();
	return 0;
}

// kiosk_kill_web_process terminates the view's web process; WebKit then
// emits web-process-terminated. It returns 0 where WebKit is too old.
int kiosk_kill_web_process(void) {
#if WEBKIT_CHECK_VERSION(2, 34, 0)
	if (kiosk.view) {
		webkit_web_view_terminate_web_process(kiosk.view);
		return 1;
	}
#endif
	return 0;
}

double kiosk_zoom(void) { return kiosk.view ? webkit_web_view_get_zoom_level(kiosk.view) : 0; }
