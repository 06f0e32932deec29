<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ko">
<context>
    <name>SignInDialog</name>
    <message>
        <source>Annotator</source>
        <translation>작업자</translation>
    </message>
    <message>
        <source>Reviewer</source>
        <translation>검수자</translation>
    </message>
    <message>
        <source>QA lead</source>
        <translation>QA 책임자</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>로그인</translation>
    </message>
    <message>
        <source>Who is working on &lt;b&gt;{project}&lt;/b&gt;?</source>
        <translation>&lt;b&gt;{project}&lt;/b&gt;에서 누가 작업하나요?</translation>
    </message>
    <message>
        <source>Your name (leave empty to pick from the list)</source>
        <translation>이름 (목록에서 고르려면 비워 두세요)</translation>
    </message>
    <message>
        <source>optional, e.g. a vendor</source>
        <translation>선택 사항, 예: 외주 업체</translation>
    </message>
    <message>
        <source>New person</source>
        <translation>새 사용자</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>이름</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>역할</translation>
    </message>
    <message>
        <source>Organization</source>
        <translation>소속</translation>
    </message>
    <message>
        <source>Pick a person from the list or type a new name.</source>
        <translation>목록에서 사용자를 고르거나 새 이름을 입력하세요.</translation>
    </message>
</context>
<context>
    <name>WorkspaceStatusBar</name>
    <message>
        <source>Select</source>
        <translation>선택</translation>
    </message>
    <message>
        <source>Box (W)</source>
        <translation>박스 (W)</translation>
    </message>
    <message>
        <source>Polygon (P)</source>
        <translation>폴리곤 (P)</translation>
    </message>
    <message>
        <source>AI polygon (S)</source>
        <translation>AI 폴리곤 (S)</translation>
    </message>
    <message>
        <source>Model: –</source>
        <translation>모델: –</translation>
    </message>
    <message>
        <source>Guideline: –</source>
        <translation>가이드라인: –</translation>
    </message>
    <message>
        <source>✓ All changes saved</source>
        <translation>✓ 모든 변경 사항 저장됨</translation>
    </message>
    <message>
        <source>Image {index} / {count}</source>
        <translation>이미지 {index} / {count}</translation>
    </message>
    <message>
        <source>no model run yet</source>
        <translation>아직 모델 실행 없음</translation>
    </message>
    <message>
        <source>Inference: {provider}</source>
        <translation>추론: {provider}</translation>
    </message>
    <message>
        <source>Execution provider of the newest model run (the one actually used, not requested)</source>
        <translation>가장 최근 모델 실행의 실행 공급자 (요청한 것이 아니라 실제로 사용된 것)</translation>
    </message>
    <message>
        <source>Every edit is written to the project file as it is made</source>
        <translation>모든 편집은 하는 즉시 프로젝트 파일에 기록됩니다</translation>
    </message>
    <message>
        <source>⚠ Not saved</source>
        <translation>⚠ 저장되지 않음</translation>
    </message>
    <message>
        <source>Last edit saved just now</source>
        <translation>마지막 편집이 방금 저장됨</translation>
    </message>
    <message numerus="yes">
        <source>Last edit saved %n min ago</source>
        <translation>
            <numerusform>마지막 편집이 %n분 전에 저장됨</numerusform>
        </translation>
    </message>
</context>
</TS>
