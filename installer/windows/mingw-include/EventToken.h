/* WebView2.h (vendored by webview_go) includes <EventToken.h>; mingw-w64 10
 * ships it as eventtoken.h. .ci/dist passes this directory in CGO_CXXFLAGS. */
#include <eventtoken.h>
