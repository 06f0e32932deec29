<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ko">
<context>
    <name>ImageBrowser</name>
    <message>
        <source>new</source>
        <translation>신규</translation>
    </message>
    <message>
        <source>pre-labeled</source>
        <translation>사전 라벨됨</translation>
    </message>
    <message>
        <source>in progress</source>
        <translation>진행 중</translation>
    </message>
    <message>
        <source>done</source>
        <translation>완료</translation>
    </message>
    <message>
        <source>needs review</source>
        <translation>검수 필요</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>반려됨</translation>
    </message>
    <message>
        <source>New</source>
        <translation>신규</translation>
    </message>
    <message>
        <source>Pre-labeled</source>
        <translation>사전 라벨됨</translation>
    </message>
    <message>
        <source>In progress</source>
        <translation>진행 중</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>완료</translation>
    </message>
    <message>
        <source>Needs review</source>
        <translation>검수 필요</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>반려됨</translation>
    </message>
    <message>
        <source>Search file names…</source>
        <translation>파일 이름 검색…</translation>
    </message>
    <message>
        <source>Any status</source>
        <translation>모든 상태</translation>
    </message>
    <message>
        <source>Any class</source>
        <translation>모든 클래스</translation>
    </message>
    <message>
        <source>Anyone</source>
        <translation>모든 작업자</translation>
    </message>
    <message>
        <source>Any status ({count})</source>
        <translation>모든 상태 ({count})</translation>
    </message>
    <message>
        <source>Filtering…</source>
        <translation>필터 적용 중…</translation>
    </message>
    <message>
        <source>Filter failed: {message}</source>
        <translation>필터 실패: {message}</translation>
    </message>
    <message>
        <source>{shown} of {total} images match</source>
        <translation>이미지 {total}개 중 {shown}개 일치</translation>
    </message>
    <message numerus="yes">
        <source>%Ln images</source>
        <translation>
            <numerusform>이미지 %Ln개</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln image</source>
        <translation>
            <numerusform>이미지 %Ln개</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>QueueList</name>
    <message numerus="yes">
        <source>%n annotations</source>
        <translation>
            <numerusform>어노테이션 %n개</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ReviewPanel</name>
    <message>
        <source>✓ accepted</source>
        <translation>✓ 승인됨</translation>
    </message>
    <message>
        <source>✗ rejected</source>
        <translation>✗ 반려됨</translation>
    </message>
    <message>
        <source>✎ fixed</source>
        <translation>✎ 수정됨</translation>
    </message>
    <message>
        <source>fix pending</source>
        <translation>수정 대기</translation>
    </message>
    <message>
        <source>to decide</source>
        <translation>결정 필요</translation>
    </message>
    <message>
        <source>Next in list ▶</source>
        <translation>목록의 다음 항목 ▶</translation>
    </message>
    <message>
        <source>To review</source>
        <translation>검수 대상</translation>
    </message>
    <message>
        <source>Image</source>
        <translation>이미지</translation>
    </message>
    <message>
        <source>State</source>
        <translation>상태</translation>
    </message>
    <message>
        <source>Re-review</source>
        <translation>재검수</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>클래스</translation>
    </message>
    <message>
        <source>Annotator</source>
        <translation>작업자</translation>
    </message>
    <message>
        <source>Versions</source>
        <translation>버전</translation>
    </message>
    <message>
        <source>Returned to me</source>
        <translation>나에게 반려됨</translation>
    </message>
    <message>
        <source>Section</source>
        <translation>섹션</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>사유</translation>
    </message>
    <message>
        <source>Audit</source>
        <translation>감사</translation>
    </message>
    <message>
        <source>When</source>
        <translation>시각</translation>
    </message>
    <message>
        <source>Reviewer</source>
        <translation>검수자</translation>
    </message>
    <message>
        <source>Decision</source>
        <translation>결정</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>대상</translation>
    </message>
    <message>
        <source>Guideline</source>
        <translation>가이드라인</translation>
    </message>
    <message>
        <source>Review log</source>
        <translation>검수 기록</translation>
    </message>
    <message>
        <source>random </source>
        <translation>무작위 </translation>
    </message>
    <message>
        <source>per annotator</source>
        <translation>작업자별</translation>
    </message>
    <message>
        <source>per vendor</source>
        <translation>외주 업체별</translation>
    </message>
    <message>
        <source>Draw sample</source>
        <translation>샘플 추출</translation>
    </message>
    <message>
        <source>Annotation</source>
        <translation>어노테이션</translation>
    </message>
    <message>
        <source>Image · class</source>
        <translation>이미지 · 클래스</translation>
    </message>
    <message>
        <source>Annotations on this image</source>
        <translation>이 이미지의 어노테이션</translation>
    </message>
    <message>
        <source>The guideline section the decision rests on</source>
        <translation>결정의 근거가 되는 가이드라인 섹션</translation>
    </message>
    <message>
        <source>Reason (shown to the annotator)</source>
        <translation>사유 (작업자에게 표시됨)</translation>
    </message>
    <message>
        <source>✓ Accept</source>
        <translation>✓ 승인</translation>
    </message>
    <message>
        <source>✗ Reject</source>
        <translation>✗ 반려</translation>
    </message>
    <message>
        <source>✎ Fix</source>
        <translation>✎ 수정</translation>
    </message>
    <message>
        <source>Drag the shape or its corners on the canvas first; Fix saves the edited shape as a new annotation that replaces this one</source>
        <translation>먼저 캔버스에서 도형이나 모서리를 드래그하세요. 수정을 누르면 편집한 도형이 이 어노테이션을 대체하는 새 어노테이션으로 저장됩니다</translation>
    </message>
    <message>
        <source>Add image as guideline edge case…</source>
        <translation>이미지를 가이드라인 예외 사례로 추가…</translation>
    </message>
    <message>
        <source>Review · {name} ({role})</source>
        <translation>검수 · {name} ({role})</translation>
    </message>
    <message>
        <source>Guideline section…</source>
        <translation>가이드라인 섹션…</translation>
    </message>
    <message>
        <source> ⟳ re-review</source>
        <translation> ⟳ 재검수</translation>
    </message>
    <message>
        <source>End of the list.</source>
        <translation>목록의 끝입니다.</translation>
    </message>
    <message>
        <source>That image is not in the image list (check its filter).</source>
        <translation>이 이미지는 이미지 목록에 없습니다 (필터를 확인하세요).</translation>
    </message>
    <message>
        <source>Annotation #{id} is not shown on this image.</source>
        <translation>어노테이션 #{id}은(는) 이 이미지에 표시되지 않습니다.</translation>
    </message>
    <message>
        <source>Fix of #{id} pending: pick a section and press Fix to save it.</source>
        <translation>#{id} 수정 대기 중: 섹션을 고르고 수정을 눌러 저장하세요.</translation>
    </message>
    <message>
        <source>Select an annotation on the canvas or in the list first.</source>
        <translation>먼저 캔버스나 목록에서 어노테이션을 선택하세요.</translation>
    </message>
    <message>
        <source>Pick the guideline section this decision rests on.</source>
        <translation>이 결정의 근거가 되는 가이드라인 섹션을 고르세요.</translation>
    </message>
    <message>
        <source>Drag the shape or its corners on the canvas, then press Fix.</source>
        <translation>캔버스에서 도형이나 모서리를 드래그한 뒤 수정을 누르세요.</translation>
    </message>
    <message>
        <source>The decision was not saved (the reason is in the status bar).</source>
        <translation>결정이 저장되지 않았습니다 (사유는 상태 표시줄에 있습니다).</translation>
    </message>
    <message>
        <source>Every annotation on this image is decided. Next in list ▶</source>
        <translation>이 이미지의 모든 어노테이션이 결정되었습니다. 목록의 다음 항목 ▶</translation>
    </message>
    <message>
        <source>Audit sample: {total} annotations from {groups} groups.</source>
        <translation>감사 샘플: {groups}개 그룹에서 어노테이션 {total}개.</translation>
    </message>
    <message>
        <source>The edge case was not added (the reason is in the status bar).</source>
        <translation>예외 사례가 추가되지 않았습니다 (사유는 상태 표시줄에 있습니다).</translation>
    </message>
    <message>
        <source>Added as an edge case to the draft of the next guideline ({note}).</source>
        <translation>다음 가이드라인 초안에 예외 사례로 추가했습니다 ({note}).</translation>
    </message>
    <message>
        <source>Add as guideline edge case</source>
        <translation>가이드라인 예외 사례로 추가</translation>
    </message>
    <message>
        <source>What should annotators learn from this image?</source>
        <translation>작업자가 이 이미지에서 무엇을 배워야 하나요?</translation>
    </message>
</context>
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
<context>
    <name>queues</name>
    <message>
        <source>accept</source>
        <translation>승인</translation>
    </message>
    <message>
        <source>reject</source>
        <translation>반려</translation>
    </message>
    <message>
        <source>fix</source>
        <translation>수정</translation>
    </message>
    <message>
        <source>annotation</source>
        <translation>어노테이션</translation>
    </message>
    <message>
        <source>image</source>
        <translation>이미지</translation>
    </message>
    <message>
        <source>image {id}</source>
        <translation>이미지 {id}</translation>
    </message>
    <message>
        <source>%n to decide</source>
        <translation>결정 필요 %n개</translation>
    </message>
    <message>
        <source>all decided</source>
        <translation>모두 결정됨</translation>
    </message>
    <message>
        <source>(%n re-review)</source>
        <translation>(재검수 %n개)</translation>
    </message>
    <message>
        <source>no version</source>
        <translation>버전 없음</translation>
    </message>
    <message>
        <source>Annotation {id}, made under {made}; guideline v{version} changed {name}</source>
        <translation>어노테이션 {id}, {made}에서 작성됨. 가이드라인 v{version}에서 {name}이(가) 변경됨</translation>
    </message>
    <message>
        <source>no section</source>
        <translation>섹션 없음</translation>
    </message>
    <message>
        <source>(no reason given)</source>
        <translation>(사유 없음)</translation>
    </message>
    <message>
        <source>Rejected by {reviewer} at {when}: {reason} ({section}). Edit the shape to send it back.</source>
        <translation>{reviewer}님이 {when}에 반려함: {reason} ({section}). 도형을 편집하면 다시 보내집니다.</translation>
    </message>
</context>
</TS>
