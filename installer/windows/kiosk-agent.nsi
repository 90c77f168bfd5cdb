; The Windows installer of kiosk-agent (NSIS 3, built on Linux by
; .ci/dist with Debian's makensis):
;
;   makensis -INPUTCHARSET UTF8 -DVERSION=0.2.0 -DEXE_AMD64=... -DEXE_386=... \
;     -DCONFIG=... -DOUTFILE=... [-DUNINST_SIGN="command %1"] installer/windows/kiosk-agent.nsi
;
; One installer for every Windows kiosk: the 64-bit agent on 64-bit Windows,
; the 32-bit one on 32-bit Windows (or with /X86, for a 32-bit vendor photo
; decoder, WltRS.dll). It stops a running agent, installs the program,
; writes the configuration (never over an existing one), keeps the data
; directory to the service account and Administrators, installs and starts
; the service, checks for the WebView2 runtime, and sets the Chrome and Edge
; policy LocalNetworkAccessAllowedForUrls for the paired web origins, so
; that their pages may reach the agent on 127.0.0.1. The uninstaller removes
; all of that; the data directory (configuration, pairings, evidence key,
; outbox, audit log) only when asked (/PURGE, or "Yes" to its question).
;
; Command line (besides NSIS's own /S silent and /D=DIR):
;   /ORIGINS=https://a.example.gov.cn,https://b.example.gov.cn
;                       the paired origins the browser policy names; replaces
;                       the list an earlier install set (none given: kept)
;   /X86                install the 32-bit agent on 64-bit Windows
;   /REQUIRE_WEBVIEW2   stop when the WebView2 runtime is missing (default:
;                       warn; the agent runs without it, the kiosk window not)
; Uninstaller: /PURGE deletes %ProgramData%\kiosk-agent as well.

Unicode true
ManifestSupportedOS all
ManifestDPIAware true
RequestExecutionLevel admin
SetCompressor /SOLID lzma
CRCCheck on

!ifndef VERSION | EXE_AMD64 | EXE_386 | CONFIG | OUTFILE
  !error "define VERSION, EXE_AMD64, EXE_386, CONFIG and OUTFILE (see the top of this file)"
!endif
!ifdef UNINST_SIGN
  ; Sign the uninstaller before it is packed into the installer.
  !uninstfinalize '${UNINST_SIGN}'
!endif

!define NAME "Kiosk Agent"
!define SERVICE "kiosk-agent"
!define REGKEY "Software\kiosk-agent"
!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\kiosk-agent"
!define WEBVIEW2_CLIENT "{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}"
!define CHROME_POLICY "SOFTWARE\Policies\Google\Chrome\LocalNetworkAccessAllowedForUrls"
!define EDGE_POLICY "SOFTWARE\Policies\Microsoft\Edge\LocalNetworkAccessAllowedForUrls"

Name "${NAME} ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\${NAME}"
InstallDirRegKey HKLM "${REGKEY}" "InstallDir"
BrandingText "${NAME} ${VERSION}"
ShowInstDetails show
ShowUninstDetails show

VIProductVersion "${VERSION}.0"
VIFileVersion "${VERSION}.0"
VIAddVersionKey /LANG=0 "ProductName" "${NAME}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileDescription" "${NAME} ${VERSION} installer"
VIAddVersionKey /LANG=0 "CompanyName" "kiosk-agent"
VIAddVersionKey /LANG=0 "LegalCopyright" "the kiosk-agent authors"

!include MUI2.nsh
!include LogicLib.nsh
!include FileFunc.nsh
!include x64.nsh
!include nsDialogs.nsh
!include StrFunc.nsh
${StrStr}
${UnStrStr}

Var Origins     ; the paired origins, comma-separated, as the policy should be
Var OldOrigins  ; those an earlier install set
Var OriginsField
Var Use386
Var ConfigDir

!define MUI_ABORTWARNING
!insertmacro MUI_PAGE_DIRECTORY
Page custom OriginsPage OriginsPageLeave
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "SimpChinese"
!insertmacro MUI_LANGUAGE "English"

LangString OriginsTitle ${LANG_SIMPCHINESE} "已配对的网页"
LangString OriginsTitle ${LANG_ENGLISH} "Paired web pages"
LangString OriginsText ${LANG_SIMPCHINESE} "柜台业务系统的网址（来源），用逗号分隔，例如 https://zwfw.example.gov.cn。Chrome 和 Edge 将允许这些网页访问本机的读卡服务（策略 LocalNetworkAccessAllowedForUrls）。自助终端可留空。配对令牌另用 kiosk-agent pair add 生成。"
LangString OriginsText ${LANG_ENGLISH} "The counter systems' web origins, comma-separated, e.g. https://zwfw.example.gov.cn. Chrome and Edge will let these pages reach the agent on this PC (policy LocalNetworkAccessAllowedForUrls). Leave it empty on a self-service kiosk. Make their pairing tokens with kiosk-agent pair add."
LangString NoWebView2 ${LANG_SIMPCHINESE} "未检测到 Microsoft Edge WebView2 运行时。读卡服务可以运行，但自助终端界面窗口需要它：请安装 WebView2 运行时（离线安装包）。"
LangString NoWebView2 ${LANG_ENGLISH} "The Microsoft Edge WebView2 Runtime is not installed. The agent runs without it, but the kiosk window needs it: install the WebView2 Runtime (offline installer)."
LangString ServiceFailed ${LANG_SIMPCHINESE} "服务未能启动。请查看“事件查看器”，或在命令提示符中运行：kiosk-agent.exe run"
LangString ServiceFailed ${LANG_ENGLISH} "The service did not start. See the Event Viewer, or run in a command prompt: kiosk-agent.exe run"
LangString PurgeQuestion ${LANG_SIMPCHINESE} "是否同时删除数据目录 $APPDATA\kiosk-agent（配置、配对、签名密钥、审计日志、待发送的申请）？未发送的申请将丢失。"
LangString PurgeQuestion ${LANG_ENGLISH} "Also delete the data directory $APPDATA\kiosk-agent (configuration, pairings, evidence key, audit log, applications not yet sent)? Applications not yet sent would be lost."

; ---------------------------------------------------------------------------

Function .onInit
  SetShellVarContext all
  StrCpy $ConfigDir "$APPDATA\kiosk-agent"
  ${GetParameters} $R0
  ; 32 or 64 bit
  StrCpy $Use386 1
  ${If} ${RunningX64}
    StrCpy $Use386 0
    ClearErrors
    ${GetOptions} $R0 "/X86" $R1
    ${IfNot} ${Errors}
      StrCpy $Use386 1
    ${EndIf}
    ; An upgrade keeps the 32-bit agent that /X86 installed before.
    ReadRegStr $R1 HKLM "${REGKEY}" "Arch"
    ${If} $R1 == "386"
      StrCpy $Use386 1
    ${EndIf}
  ${EndIf}
  ${If} $Use386 == 1
  ${AndIfNot} ${RunningX64}
    StrCpy $INSTDIR "$PROGRAMFILES\${NAME}"
  ${ElseIf} $Use386 == 1
    StrCpy $INSTDIR "$PROGRAMFILES32\${NAME}"
  ${EndIf}
  ReadRegStr $R2 HKLM "${REGKEY}" "InstallDir"
  ${If} $R2 != ""
    StrCpy $INSTDIR $R2
  ${EndIf}
  ; The origins: /ORIGINS= wins, else those an earlier install set.
  ReadRegStr $OldOrigins HKLM "${REGKEY}" "PolicyOrigins"
  StrCpy $Origins $OldOrigins
  ClearErrors
  ${GetOptions} $R0 "/ORIGINS=" $R1
  ${IfNot} ${Errors}
    StrCpy $Origins $R1
  ${EndIf}
FunctionEnd

Function OriginsPage
  !insertmacro MUI_HEADER_TEXT "$(OriginsTitle)" ""
  nsDialogs::Create 1018
  Pop $0
  ${NSD_CreateLabel} 0 0 100% 60u "$(OriginsText)"
  Pop $0
  ${NSD_CreateText} 0 66u 100% 14u "$Origins"
  Pop $OriginsField
  nsDialogs::Show
FunctionEnd

Function OriginsPageLeave
  ${NSD_GetText} $OriginsField $Origins
FunctionEnd

; Section: stop an agent already there, install, configure, start.
Section "Kiosk Agent" SecMain
  SetShellVarContext all
  ; First, before anything changes: /REQUIRE_WEBVIEW2 may stop here.
  Call CheckWebView2
  SetOutPath "$INSTDIR"

  ${If} ${FileExists} "$INSTDIR\kiosk-agent.exe"
    DetailPrint "Stopping the running agent"
    nsExec::ExecToLog '"$INSTDIR\kiosk-agent.exe" service stop'
    Pop $0
    nsExec::ExecToLog '"$INSTDIR\kiosk-agent.exe" service uninstall'
    Pop $0
    ; The process may take a few seconds to let go of its file.
    StrCpy $1 0
    ${Do}
      ClearErrors
      Delete "$INSTDIR\kiosk-agent.exe"
      ${IfNot} ${Errors}
        ${Break}
      ${EndIf}
      IntOp $1 $1 + 1
      ${If} $1 > 40
        ${Break}
      ${EndIf}
      Sleep 500
    ${Loop}
  ${EndIf}

  ${If} $Use386 == 1
    DetailPrint "Installing the 32-bit agent"
    File "/oname=kiosk-agent.exe" "${EXE_386}"
  ${Else}
    DetailPrint "Installing the 64-bit agent"
    File "/oname=kiosk-agent.exe" "${EXE_AMD64}"
  ${EndIf}

  ; The data directory: pairings, evidence key, outbox, audit log. Only
  ; SYSTEM (the service) and Administrators, with inheritance cut, since
  ; %ProgramData% lets every user read and create files.
  CreateDirectory "$ConfigDir"
  nsExec::ExecToLog 'icacls "$ConfigDir" /inheritance:r /grant:r *S-1-5-18:(OI)(CI)F *S-1-5-32-544:(OI)(CI)F'
  Pop $0
  ${IfNot} ${FileExists} "$ConfigDir\kiosk-agent.toml"
    SetOutPath "$ConfigDir"
    File "/oname=kiosk-agent.toml" "${CONFIG}"
    SetOutPath "$INSTDIR"
  ${Else}
    DetailPrint "Keeping the configuration $ConfigDir\kiosk-agent.toml"
  ${EndIf}
  nsExec::ExecToLog '"$INSTDIR\kiosk-agent.exe" config check "$ConfigDir\kiosk-agent.toml"'
  Pop $0

  WriteUninstaller "$INSTDIR\uninstall.exe"
  WriteRegStr HKLM "${REGKEY}" "InstallDir" "$INSTDIR"
  WriteRegStr HKLM "${REGKEY}" "Version" "${VERSION}"
  WriteRegStr HKLM "${UNINSTKEY}" "DisplayName" "${NAME}"
  WriteRegStr HKLM "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINSTKEY}" "Publisher" "kiosk-agent"
  WriteRegStr HKLM "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINSTKEY}" "DisplayIcon" "$INSTDIR\kiosk-agent.exe"
  WriteRegStr HKLM "${UNINSTKEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKLM "${UNINSTKEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKLM "${UNINSTKEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINSTKEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKLM "${UNINSTKEY}" "EstimatedSize" $0

  ${If} $Use386 == 1
    WriteRegStr HKLM "${REGKEY}" "Arch" "386"
  ${Else}
    WriteRegStr HKLM "${REGKEY}" "Arch" "amd64"
  ${EndIf}
  Call SetBrowserPolicy

  DetailPrint "Installing and starting the service"
  nsExec::ExecToLog '"$INSTDIR\kiosk-agent.exe" service install --config "$ConfigDir\kiosk-agent.toml"'
  Pop $0
  nsExec::ExecToLog '"$INSTDIR\kiosk-agent.exe" service start'
  Pop $0
  nsExec::ExecToStack '"$INSTDIR\kiosk-agent.exe" service status'
  Pop $0
  Pop $1
  DetailPrint "Service: $1"
  ${StrStr} $2 $1 "running"
  ${If} $2 == ""
    DetailPrint "$(ServiceFailed)"
    IfSilent +2
      MessageBox MB_ICONEXCLAMATION|MB_OK "$(ServiceFailed)"
  ${EndIf}
SectionEnd

; WebView2: Microsoft's documented check, the runtime's "pv" under
; EdgeUpdate\Clients, machine-wide (32-bit view: WOW6432Node on 64-bit
; Windows) or per user; missing, empty or 0.0.0.0 means not installed.
Function CheckWebView2
  SetRegView 32
  ReadRegStr $0 HKLM "SOFTWARE\Microsoft\EdgeUpdate\Clients\${WEBVIEW2_CLIENT}" "pv"
  ${If} $0 == ""
  ${OrIf} $0 == "0.0.0.0"
    ReadRegStr $0 HKCU "Software\Microsoft\EdgeUpdate\Clients\${WEBVIEW2_CLIENT}" "pv"
  ${EndIf}
  ${If} $0 != ""
  ${AndIf} $0 != "0.0.0.0"
    DetailPrint "WebView2 runtime: $0"
    WriteRegStr HKLM "${REGKEY}" "WebView2" "$0"
    Return
  ${EndIf}
  WriteRegStr HKLM "${REGKEY}" "WebView2" ""
  DetailPrint "$(NoWebView2)"
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/REQUIRE_WEBVIEW2" $R1
  ${IfNot} ${Errors}
    IfSilent +2
      MessageBox MB_ICONSTOP|MB_OK "$(NoWebView2)"
    SetErrorLevel 3
    Quit
  ${EndIf}
  IfSilent +2
    MessageBox MB_ICONEXCLAMATION|MB_OK "$(NoWebView2)"
FunctionEnd

; The browser policy: the origins an earlier install set come out, those
; wanted now go in, in Chrome's and Edge's list, in both registry views
; (64-bit browsers read the 64-bit one). Other entries (a domain's group
; policy, say) stay as they are.
Function SetBrowserPolicy
  ; The list as typed ("a, b c") becomes "a,b,c".
  StrCpy $R7 $Origins
  StrCpy $Origins ""
  ${Do}
    Push $R7
    Call NextOrigin
    Pop $R6
    Pop $R7
    ${If} $R6 != ""
      ${If} $Origins == ""
        StrCpy $Origins $R6
      ${Else}
        StrCpy $Origins "$Origins,$R6"
      ${EndIf}
    ${EndIf}
  ${LoopUntil} $R7 == ""
  ${If} ${RunningX64}
    SetRegView 64
    Call SetBrowserPolicyView
  ${EndIf}
  SetRegView 32
  Call SetBrowserPolicyView
  WriteRegStr HKLM "${REGKEY}" "PolicyOrigins" "$Origins"
FunctionEnd

Function SetBrowserPolicyView
  ${If} $OldOrigins != ""
    Push "${CHROME_POLICY}"
    Push $OldOrigins
    Call PolicyRemove
    Push "${EDGE_POLICY}"
    Push $OldOrigins
    Call PolicyRemove
  ${EndIf}
  StrCpy $R7 $Origins
  ${Do}
    Push $R7
    Call NextOrigin ; -> origin, rest
    Pop $R6
    Pop $R7
    ${If} $R6 == ""
      ${If} $R7 == ""
        ${Break}
      ${EndIf}
      ${Continue}
    ${EndIf}
    DetailPrint "Browser policy LocalNetworkAccessAllowedForUrls: $R6"
    Push "${CHROME_POLICY}"
    Push $R6
    Call PolicyAdd
    Push "${EDGE_POLICY}"
    Push $R6
    Call PolicyAdd
  ${Loop}
FunctionEnd

!macro NextOriginBody
  ; In: a comma- (or space-) separated list. Out (top first): the first
  ; item, trimmed (possibly empty), then the rest.
  Exch $0 ; list
  Push $1
  Push $2
  Push $3
  StrCpy $1 ""
  StrCpy $2 0
  ${Do}
    StrCpy $3 $0 1 $2
    ${If} $3 == ""
      StrCpy $0 ""
      ${Break}
    ${EndIf}
    IntOp $2 $2 + 1
    ${If} $3 == ","
    ${OrIf} $3 == " "
      StrCpy $0 $0 "" $2
      ${Break}
    ${EndIf}
    StrCpy $1 "$1$3"
  ${Loop}
  Pop $3
  Pop $2
  Exch $1 ; item on top, $1 restored below it
  Exch
  Exch $0 ; rest, $0 restored
  Exch
!macroend
Function NextOrigin
  !insertmacro NextOriginBody
FunctionEnd

!macro PolicyAddBody
  ; In: key, origin (top). Adds origin as the next number of the list key
  ; unless it is there already. Chrome reads a list's values 1, 2, 3 ...
  ; up to the first gap, so numbers stay contiguous.
  Exch $1 ; origin
  Exch
  Exch $0 ; key
  Push $2
  Push $3
  Push $4
  StrCpy $4 1
  ${Do}
    ClearErrors
    ReadRegStr $3 HKLM "$0" "$4"
    ${If} ${Errors}
      WriteRegStr HKLM "$0" "$4" "$1"
      ${Break}
    ${EndIf}
    ${If} $3 == $1
      ${Break}
    ${EndIf}
    IntOp $4 $4 + 1
  ${Loop}
  Pop $4
  Pop $3
  Pop $2
  Pop $0
  Pop $1
!macroend
Function PolicyAdd
  !insertmacro PolicyAddBody
FunctionEnd

!macro PolicyRemoveBody UN
  ; In: key, comma-separated origins (top). Rewrites the list key without
  ; those origins, numbered 1, 2, 3 ... again; deletes it when empty.
  Exch $1 ; origins
  Exch
  Exch $0 ; key
  Push $2
  Push $3
  Push $4
  Push $5
  Push $6
  StrCpy $5 "" ; kept entries, each followed by a newline
  StrCpy $4 1
  ${Do}
    ClearErrors
    ReadRegStr $3 HKLM "$0" "$4"
    ${If} ${Errors}
      ${Break}
    ${EndIf}
    ${${UN}StrStr} $6 ",$1," ",$3,"
    ${If} $6 == ""
      StrCpy $5 "$5$3$\n"
    ${EndIf}
    IntOp $4 $4 + 1
  ${Loop}
  DeleteRegKey HKLM "$0"
  StrCpy $4 1
  ${Do}
    ${${UN}StrStr} $6 $5 "$\n"
    ${If} $6 == ""
      ${Break}
    ${EndIf}
    StrLen $2 $5
    StrLen $3 $6
    IntOp $2 $2 - $3
    StrCpy $3 $5 $2
    WriteRegStr HKLM "$0" "$4" "$3"
    IntOp $4 $4 + 1
    StrCpy $5 $6 "" 1
  ${Loop}
  Pop $6
  Pop $5
  Pop $4
  Pop $3
  Pop $2
  Pop $0
  Pop $1
!macroend
Function PolicyRemove
  !insertmacro PolicyRemoveBody ""
FunctionEnd
Function un.PolicyRemove
  !insertmacro PolicyRemoveBody "Un"
FunctionEnd

; ---------------------------------------------------------------------------

Function un.onInit
  SetShellVarContext all
  StrCpy $ConfigDir "$APPDATA\kiosk-agent"
FunctionEnd

Section "Uninstall"
  SetShellVarContext all
  DetailPrint "Stopping and removing the service"
  nsExec::ExecToLog '"$INSTDIR\kiosk-agent.exe" service stop'
  Pop $0
  nsExec::ExecToLog '"$INSTDIR\kiosk-agent.exe" service uninstall'
  Pop $0

  ReadRegStr $OldOrigins HKLM "${REGKEY}" "PolicyOrigins"
  ${If} $OldOrigins != ""
    DetailPrint "Removing the browser policy for $OldOrigins"
    ${If} ${RunningX64}
      SetRegView 64
      Push "${CHROME_POLICY}"
      Push $OldOrigins
      Call un.PolicyRemove
      Push "${EDGE_POLICY}"
      Push $OldOrigins
      Call un.PolicyRemove
    ${EndIf}
    SetRegView 32
    Push "${CHROME_POLICY}"
    Push $OldOrigins
    Call un.PolicyRemove
    Push "${EDGE_POLICY}"
    Push $OldOrigins
    Call un.PolicyRemove
  ${EndIf}
  SetRegView 32

  StrCpy $1 0
  ${Do}
    ClearErrors
    Delete "$INSTDIR\kiosk-agent.exe"
    ${IfNot} ${Errors}
      ${Break}
    ${EndIf}
    IntOp $1 $1 + 1
    ${If} $1 > 40
      ${Break}
    ${EndIf}
    Sleep 500
  ${Loop}
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"

  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/PURGE" $R1
  ${IfNot} ${Errors}
    DetailPrint "Deleting $ConfigDir"
    RMDir /r "$ConfigDir"
  ${Else}
    IfSilent keep
    MessageBox MB_ICONQUESTION|MB_YESNO|MB_DEFBUTTON2 "$(PurgeQuestion)" IDNO keep
    DetailPrint "Deleting $ConfigDir"
    RMDir /r "$ConfigDir"
    keep:
  ${EndIf}

  DeleteRegKey HKLM "${UNINSTKEY}"
  DeleteRegKey HKLM "${REGKEY}"
SectionEnd
