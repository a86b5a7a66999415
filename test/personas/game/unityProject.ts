/**
 * A small Unity project in Unity's text serialization (Force Text): ProjectSettings with per-platform values
 * in both of Unity's shapes, assets with their .meta GUIDs, a scene and a material naming them by GUID,
 * a package script (its .meta lives in Library/PackageCache, which is not kept), and the Library/ and
 * Temp/ folders Unity regenerates.
 */
import type { FileTree } from '../../helpers/tree.js';
import { texture } from './sampleGame.js';

export const GUIDS = {
  player: '4f2a9c1d7e3b4a6f8c0d1e2f3a4b5c6d',
  hero: '9a8b7c6d5e4f40312a1b2c3d4e5f6a7b',
  heroMat: '1b2c3d4e5f6a47b8c9d0e1f2a3b4c5d6',
  main: 'c0ffee00c0ffee00c0ffee00c0ffee00',
  /** TextMeshPro's TMP_Text, from a package */
  package: 'f4688fdb7df04437aeb418b961361dc5',
} as const;

const meta = (guid: string, importer = 'DefaultImporter') =>
  `fileFormatVersion: 2\nguid: ${guid}\n${importer}:\n  externalObjects: {}\n  userData: \n  assetBundleName: \n  assetBundleVariant: \n`;

export const PROJECT_SETTINGS = `%YAML 1.1
%TAG !u! tag:unity3d.com,2011:
--- !u!129 &1
PlayerSettings:
  m_ObjectHideFlags: 0
  serializedVersion: 26
  productGUID: 0123456789abcdef0123456789abcdef
  companyName: Example
  productName: Cave Runner
  defaultScreenWidth: 1920
  defaultScreenHeight: 1080
  m_BuildTargetGraphicsAPIs:
  - m_BuildTarget: AndroidPlayer
    m_APIs: 150000000b000000
    m_Automatic: 1
  - m_BuildTarget: iOSSupport
    m_APIs: 10000000
    m_Automatic: 1
  applicationIdentifier:
    Android: com.example.caverunner
    Standalone: com.example.caverunner
    iPhone: com.example.caverunner.ios
  scriptingBackend:
    Android: 1
    Standalone: 0
  managedStrippingLevel:
    Android: 3
  m_BuildTargetBatching:
  - m_BuildTarget: Standalone
    m_StaticBatching: 1
    m_DynamicBatching: 0
  - m_BuildTarget: Android
    m_StaticBatching: 1
    m_DynamicBatching: 1
`;

export const QUALITY_SETTINGS = `%YAML 1.1
%TAG !u! tag:unity3d.com,2011:
--- !u!47 &1
QualitySettings:
  m_ObjectHideFlags: 0
  serializedVersion: 5
  m_CurrentQuality: 5
  m_QualitySettings:
  - serializedVersion: 2
    name: Low
    pixelLightCount: 0
  - serializedVersion: 2
    name: Ultra
    pixelLightCount: 4
  m_PerPlatformDefaultQuality:
    Android: 0
    Standalone: 1
    WebGL: 0
    iPhone: 0
`;

export const MAIN_UNITY = `%YAML 1.1
%TAG !u! tag:unity3d.com,2011:
--- !u!1 &100
GameObject:
  m_Name: Player
  m_Component:
  - component: {fileID: 101}
--- !u!114 &101
MonoBehaviour:
  m_GameObject: {fileID: 100}
  m_Script: {fileID: 11500000, guid: ${GUIDS.player}, type: 3}
  heroMaterial: {fileID: 2100000, guid: ${GUIDS.heroMat}, type: 2}
--- !u!114 &102 stripped
MonoBehaviour:
  m_Script: {fileID: 11500000, guid: ${GUIDS.package}, type: 3}
--- !u!23 &103
MeshRenderer:
  m_Materials:
  - {fileID: 10303, guid: 0000000000000000f000000000000000, type: 0}
`;

export const HERO_MAT = `%YAML 1.1
%TAG !u! tag:unity3d.com,2011:
--- !u!21 &2100000
Material:
  m_Name: Hero
  m_SavedProperties:
    m_TexEnvs:
    - _MainTex:
        m_Texture: {fileID: 2800000, guid: ${GUIDS.hero}, type: 3}
`;

export function unityProject(): FileTree {
  return {
    Assets: {
      Scenes: { 'Main.unity': MAIN_UNITY, 'Main.unity.meta': meta(GUIDS.main) },
      Scripts: {
        'Player.cs': 'using UnityEngine;\npublic class Player : MonoBehaviour { public Material heroMaterial; }\n',
        'Player.cs.meta': meta(GUIDS.player, 'MonoImporter'),
      },
      Textures: { 'hero.png': texture(32, 32, 4), 'hero.png.meta': meta(GUIDS.hero, 'TextureImporter') },
      Materials: { 'Hero.mat': HERO_MAT, 'Hero.mat.meta': meta(GUIDS.heroMat, 'NativeFormatImporter') },
    },
    ProjectSettings: {
      'ProjectVersion.txt': 'm_EditorVersion: 2022.3.20f1\n',
      'ProjectSettings.asset': PROJECT_SETTINGS,
      'QualitySettings.asset': QUALITY_SETTINGS,
    },
    Packages: { 'manifest.json': '{"dependencies": {"com.unity.textmeshpro": "3.0.6"}}\n' },
    Library: { ArtifactDB: Buffer.alloc(2048, 3), PackageCache: { 'tmp.meta': meta(GUIDS.package) } },
    Temp: { lock: '' },
  };
}
