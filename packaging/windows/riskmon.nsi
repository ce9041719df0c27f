; Windows installer of the Riskmon workstation (NSIS 3, Unicode).
;
;   make dist                   (on Windows: pyinstaller --noconfirm --clean build.spec)
;   makensis /DVERSION=0.1.0 packaging\windows\riskmon.nsi
;
; Takes the PyInstaller folder dist\riskmon (riskmon.exe for the command line, riskmon-gui.exe for
; the desktop) and writes dist\riskmon-setup-VERSION.exe: installed for the current user without
; administrator rights (under %LOCALAPPDATA%\Programs, as lab workstations are often locked down),
; a Start menu and desktop shortcut to riskmon-gui.exe, an entry in Apps & features, and an
; uninstaller. The data (database, backups, logs) lives in the user's folders and is kept on
; uninstall.

Unicode true
ManifestDPIAware true
SetCompressor /SOLID lzma

!ifndef VERSION
  !error "give the version: makensis /DVERSION=x.y.z riskmon.nsi"
!endif
!ifndef BUNDLE
  !define BUNDLE "..\..\dist\riskmon"
!endif
!ifndef OUTFILE
  !define OUTFILE "..\..\dist\riskmon-setup-${VERSION}.exe"
!endif

!define APP "Riskmon"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\Riskmon"

!include "MUI2.nsh"

Name "${APP} ${VERSION}"
Caption "${APP} 风险监测工作站 ${VERSION} 安装"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${APP}"
InstallDirRegKey HKCU "${UNINSTALL_KEY}" "InstallLocation"
RequestExecutionLevel user
BrandingText "${APP} ${VERSION}"

VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=2052 "ProductName" "${APP}"
VIAddVersionKey /LANG=2052 "FileDescription" "${APP} 风险监测工作站安装程序"
VIAddVersionKey /LANG=2052 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "LegalCopyright" "LicenseRef-Proprietary"

!define MUI_ICON "..\..\resources\icons\riskmon.ico"
!define MUI_UNICON "..\..\resources\icons\riskmon.ico"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\riskmon-gui.exe"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "SimpChinese"
!insertmacro MUI_LANGUAGE "English"

Section "Riskmon" SecMain
  SectionIn RO
  SetShellVarContext current
  ; an older version's files go first: a module removed in this version must not linger
  RMDir /r "$INSTDIR\_internal"
  SetOutPath "$INSTDIR"
  File /r "${BUNDLE}\*.*"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateDirectory "$SMPROGRAMS\${APP}"
  CreateShortcut "$SMPROGRAMS\${APP}\${APP} 风险监测工作站.lnk" "$INSTDIR\riskmon-gui.exe" "" "$INSTDIR\riskmon-gui.exe" 0
  CreateShortcut "$SMPROGRAMS\${APP}\卸载 ${APP}.lnk" "$INSTDIR\uninstall.exe"
  CreateShortcut "$DESKTOP\${APP} 风险监测工作站.lnk" "$INSTDIR\riskmon-gui.exe" "" "$INSTDIR\riskmon-gui.exe" 0

  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${APP} 风险监测工作站"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "${APP}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\riskmon-gui.exe,0"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
SectionEnd

Section "Uninstall"
  SetShellVarContext current
  Delete "$DESKTOP\${APP} 风险监测工作站.lnk"
  RMDir /r "$SMPROGRAMS\${APP}"
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\riskmon.exe"
  Delete "$INSTDIR\riskmon-gui.exe"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
SectionEnd
