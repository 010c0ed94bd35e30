; Inno Setup 6 script for Confidente on Windows.
;
; NOT BUILT OR TESTED HERE: it was written on Linux, where Inno Setup does not run.
; Build it on Windows after PyInstaller has written the one-folder app to dist\confidente\
; (with confidente.exe, the windowed launcher, inside):
;
;   iscc /DAppVersion=0.1.0 packaging\windows\confidente.iss
;
; Needs Inno Setup 6.3 or later (the x64compatible architecture identifier; this file is UTF-8).
; The installer lands in dist\ as Confidente-<version>-setup.exe. It installs for the current
; user by default (no administrator rights needed); the first page offers "all users" too.
;
; Where Confidente keeps the user's things (app/core/paths.py, platformdirs with
; appauthor=False): settings, conversations, document index and downloaded models in
; %LOCALAPPDATA%\Confidente, its cache in %LOCALAPPDATA%\Confidente\Cache. The optional
; Hugging Face token is in Windows Credential Manager (keyring, service "Confidente").
; Uninstalling keeps all of that unless the user says Yes to the question at the end.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#ifndef DistDir
  #define DistDir "..\..\dist\confidente"
#endif
#define AppName "Confidente"
#define AppExe "confidente.exe"
#define AppPublisher "The Confidente developers"
#define AppURL "https://github.com/confidente/confidente"
#define ProgId "Confidente.Document"

[Setup]
; The AppId identifies this application to upgrades and the uninstaller: never change it.
AppId={{354C4C63-BB77-47E9-933C-1142373732D0}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppPublisher}
AppPublisherURL={#AppURL}
AppSupportURL={#AppURL}
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
ChangesAssociations=yes
SetupIconFile=..\..\app\resources\icons\confidente.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
OutputDir=..\..\dist
OutputBaseFilename=Confidente-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ShowLanguageDialog=auto

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"
Name: "spanish"; MessagesFile: "compiler:Languages\Spanish.isl"

[CustomMessages]
english.OpenWithGroup=Offer Confidente in "Open with" for PDF, Word (.docx), text and Markdown files
spanish.OpenWithGroup=Ofrecer Confidente en «Abrir con» para archivos PDF, Word (.docx), de texto y Markdown
english.FileTypesGroup=File types:
spanish.FileTypesGroup=Tipos de archivo:
english.DocumentType=Document for Confidente
spanish.DocumentType=Documento para Confidente
english.DeleteUserData=Also delete your Confidente data?%n%nThis permanently erases your conversations, your document libraries and their index, the downloaded models, the settings and the saved Hugging Face token, in:%n%n%1%n%nYour original documents are not touched. Choose No to keep everything for a later reinstall.
spanish.DeleteUserData=¿Borrar también tus datos de Confidente?%n%nSe eliminarán para siempre tus conversaciones, tus bibliotecas de documentos y su índice, los modelos descargados, los ajustes y el token de Hugging Face guardado, en:%n%n%1%n%nTus documentos originales no se tocan. Elige No para conservarlo todo por si vuelves a instalarlo.
english.DeleteUserDataFailed=Some files in %1 could not be deleted. You can delete the folder yourself.
spanish.DeleteUserDataFailed=No se pudieron borrar algunos archivos de %1. Puedes borrar la carpeta tú mismo.

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "openwith"; Description: "{cm:OpenWithGroup}"; GroupDescription: "{cm:FileTypesGroup}"

[Files]
Source: "{#DistDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; "Open with" only: the ProgID is listed under each extension's OpenWithProgids and the
; application's SupportedTypes. The extensions' default handlers are left alone.
Root: HKA; Subkey: "Software\Classes\{#ProgId}"; ValueType: string; ValueName: ""; ValueData: "{cm:DocumentType}"; Flags: uninsdeletekey; Tasks: openwith
Root: HKA; Subkey: "Software\Classes\{#ProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"; Tasks: openwith
Root: HKA; Subkey: "Software\Classes\{#ProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""; Tasks: openwith
Root: HKA; Subkey: "Software\Classes\.pdf\OpenWithProgids"; ValueType: string; ValueName: "{#ProgId}"; ValueData: ""; Flags: uninsdeletevalue; Tasks: openwith
Root: HKA; Subkey: "Software\Classes\.docx\OpenWithProgids"; ValueType: string; ValueName: "{#ProgId}"; ValueData: ""; Flags: uninsdeletevalue; Tasks: openwith
Root: HKA; Subkey: "Software\Classes\.txt\OpenWithProgids"; ValueType: string; ValueName: "{#ProgId}"; ValueData: ""; Flags: uninsdeletevalue; Tasks: openwith
Root: HKA; Subkey: "Software\Classes\.md\OpenWithProgids"; ValueType: string; ValueName: "{#ProgId}"; ValueData: ""; Flags: uninsdeletevalue; Tasks: openwith
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}"; ValueType: string; ValueName: "FriendlyAppName"; ValueData: "{#AppName}"; Flags: uninsdeletekey; Tasks: openwith
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".pdf"; ValueData: ""; Tasks: openwith
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".docx"; ValueData: ""; Tasks: openwith
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".txt"; ValueData: ""; Tasks: openwith
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".md"; ValueData: ""; Tasks: openwith

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[Code]
const
  CRED_TYPE_GENERIC = 1;

{ keyring's Windows backend stores the token as a generic credential named after the
  service ("Confidente"), or "<account>@Confidente" when that name was already taken. }
function CredDelete(TargetName: String; CredType: DWORD; Flags: DWORD): BOOL;
  external 'CredDeleteW@advapi32.dll stdcall delayload';

function UserDataDir(): String;
begin
  Result := ExpandConstant('{localappdata}\Confidente');
end;

{ Ask, after the program files are gone, whether to erase the user's data as well.
  The default button is No, and a silent uninstall (/SILENT, /VERYSILENT) keeps the data.
  With an all-users install the uninstaller may run as an administrator: {localappdata}
  is then that account's folder, and other accounts' data stays where it is. }
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  DataDir: String;
begin
  if (CurUninstallStep <> usPostUninstall) or UninstallSilent() then
    Exit;
  DataDir := UserDataDir();
  if not DirExists(DataDir) then
    Exit;
  if SuppressibleMsgBox(FmtMessage(CustomMessage('DeleteUserData'), [DataDir]),
                        mbConfirmation, MB_YESNO or MB_DEFBUTTON2, IDNO) <> IDYES then
    Exit;
  CredDelete('Confidente', CRED_TYPE_GENERIC, 0);
  CredDelete('huggingface-token@Confidente', CRED_TYPE_GENERIC, 0);
  if not DelTree(DataDir, True, True, True) then
    SuppressibleMsgBox(FmtMessage(CustomMessage('DeleteUserDataFailed'), [DataDir]),
                       mbError, MB_OK, IDOK);
end;
