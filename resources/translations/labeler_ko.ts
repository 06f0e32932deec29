<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ko">
<context>
    <name>AcknowledgeDialog</name>
    <message>
        <source>Guideline {version} — please read</source>
        <translation>가이드라인 {version} — 읽어 주세요</translation>
    </message>
    <message>
        <source>{guideline} is in force (published {published} UTC). Read it before you label or review: your work is stamped with this version.</source>
        <translation>{guideline}이(가) 적용 중입니다 ({published} UTC 게시). 라벨링이나 검수 전에 읽어 주세요. 작업에는 이 버전이 기록됩니다.</translation>
    </message>
    <message>
        <source>Guideline {version}</source>
        <translation>가이드라인 {version}</translation>
    </message>
    <message>
        <source>What changed:</source>
        <translation>변경 사항:</translation>
    </message>
    <message>
        <source>I have read {version}</source>
        <translation>{version}을(를) 읽었습니다</translation>
    </message>
    <message>
        <source>Later</source>
        <translation>나중에</translation>
    </message>
</context>
<context>
    <name>AcknowledgingWorkspace</name>
    <message>
        <source>{edit} refused: acknowledge guideline v{version} before labeling under it (Guideline ▸ Acknowledge guideline…)</source>
        <translation type="vanished">{edit} 거부됨: 라벨링 전에 가이드라인 v{version}을(를) 확인하세요 (가이드라인 ▸ 가이드라인 확인…)</translation>
    </message>
</context>
<context>
    <name>AiOptionsBar</name>
    <message>
        <source>Largest part</source>
        <translation>가장 큰 부분</translation>
    </message>
    <message>
        <source>One polygon per part</source>
        <translation>부분마다 폴리곤 하나</translation>
    </message>
    <message>
        <source>AI polygon</source>
        <translation>AI 폴리곤</translation>
    </message>
    <message>
        <source>Simplification tolerance: how far the outline may stray from the mask</source>
        <translation>단순화 허용 오차: 윤곽이 마스크에서 벗어날 수 있는 거리</translation>
    </message>
    <message>
        <source>no segmentation model</source>
        <translation>분할 모델 없음</translation>
    </message>
    <message>
        <source> AI polygon · tolerance </source>
        <translation> AI 폴리곤 · 허용 오차 </translation>
    </message>
    <message>
        <source>1 box (from the mask)</source>
        <translation>박스 1개 (마스크에서)</translation>
    </message>
    <message numerus="yes">
        <source>%n polygon(s)</source>
        <translation>
            <numerusform>폴리곤 %n개</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n vertices</source>
        <translation>
            <numerusform>꼭짓점 %n개</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>AiPolygonController</name>
    <message>
        <source>AI: choose a segmentation model (Tools ▸ Choose models…)</source>
        <translation>AI: 분할 모델을 고르세요 (도구 ▸ 모델 선택…)</translation>
    </message>
    <message>
        <source>no segmentation model</source>
        <translation>분할 모델 없음</translation>
    </message>
    <message>
        <source>AI: {problem}</source>
        <translation>AI: {problem}</translation>
    </message>
    <message>
        <source>loading {model}…</source>
        <translation>{model} 불러오는 중…</translation>
    </message>
    <message>
        <source>model</source>
        <translation>모델</translation>
    </message>
    <message>
        <source>Segmentation model: {problem}</source>
        <translation>분할 모델: {problem}</translation>
    </message>
    <message>
        <source>AI: encoding…</source>
        <translation>AI: 인코딩 중…</translation>
    </message>
    <message>
        <source>AI: ready</source>
        <translation>AI: 준비됨</translation>
    </message>
    <message>
        <source> (cached embedding)</source>
        <translation> (캐시된 임베딩)</translation>
    </message>
    <message>
        <source> · encoder {ms} ms</source>
        <translation> · 인코더 {ms} ms</translation>
    </message>
    <message>
        <source> · decoder {ms} ms</source>
        <translation> · 디코더 {ms} ms</translation>
    </message>
    <message>
        <source>AI polygon: {problem}</source>
        <translation>AI 폴리곤: {problem}</translation>
    </message>
    <message>
        <source>Add a box or polygon class to the project first.</source>
        <translation>먼저 프로젝트에 박스 또는 폴리곤 클래스를 추가하세요.</translation>
    </message>
    <message>
        <source>AI polygon: the model found nothing at that prompt</source>
        <translation>AI 폴리곤: 모델이 그 지점에서 아무것도 찾지 못했습니다</translation>
    </message>
</context>
<context>
    <name>AskQuestionDialog</name>
    <message>
        <source>Ask a question</source>
        <translation>질문하기</translation>
    </message>
    <message>
        <source>About: {about}</source>
        <translation>대상: {about}</translation>
    </message>
    <message>
        <source>What is unclear? e.g. “A long straight crack without branches: crack or scratch?”</source>
        <translation>무엇이 불명확한가요? 예: “가지 없이 길고 곧은 균열: 균열인가요, 긁힘인가요?”</translation>
    </message>
    <message>
        <source>optional, e.g. 3.2</source>
        <translation>선택 사항, 예: 3.2</translation>
    </message>
    <message>
        <source>The image is marked as waiting for an answer for you; go on with other images. The answer shows on the image.</source>
        <translation>이 이미지는 답변 대기 중으로 표시됩니다. 다른 이미지 작업을 계속하세요. 답변은 이미지에 표시됩니다.</translation>
    </message>
    <message>
        <source>Ask</source>
        <translation>질문</translation>
    </message>
    <message>
        <source>Guideline section:</source>
        <translation>가이드라인 섹션:</translation>
    </message>
</context>
<context>
    <name>CanvasController</name>
    <message>
        <source>{label} (fix pending)</source>
        <translation>{label} (수정 대기)</translation>
    </message>
    <message>
        <source>Add a box or polygon class to the project first.</source>
        <translation>먼저 프로젝트에 박스 또는 폴리곤 클래스를 추가하세요.</translation>
    </message>
</context>
<context>
    <name>ChartCard</name>
    <message>
        <source>truth</source>
        <translation>정답</translation>
    </message>
    <message>
        <source>predicted</source>
        <translation>예측</translation>
    </message>
    <message>
        <source>recall</source>
        <translation>재현율</translation>
    </message>
    <message>
        <source>precision</source>
        <translation>정밀도</translation>
    </message>
    <message>
        <source>n/a</source>
        <translation>없음</translation>
    </message>
    <message>
        <source>background</source>
        <translation>배경</translation>
    </message>
</context>
<context>
    <name>ClassPanel</name>
    <message>
        <source>box</source>
        <translation>박스</translation>
    </message>
    <message>
        <source>polygon</source>
        <translation>폴리곤</translation>
    </message>
    <message>
        <source>tag</source>
        <translation>태그</translation>
    </message>
    <message>
        <source>Keys 1-9 pick a class · it applies to the selected shape too</source>
        <translation>1-9 키로 클래스 선택 · 선택한 도형에도 적용됩니다</translation>
    </message>
    <message>
        <source>Add…</source>
        <translation>추가…</translation>
    </message>
    <message>
        <source>Add a class</source>
        <translation>클래스 추가</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>이름 바꾸기…</translation>
    </message>
    <message>
        <source>Rename the selected class</source>
        <translation>선택한 클래스의 이름 바꾸기</translation>
    </message>
    <message>
        <source>Colour…</source>
        <translation>색…</translation>
    </message>
    <message>
        <source>Recolour the selected class</source>
        <translation>선택한 클래스의 색 바꾸기</translation>
    </message>
    <message>
        <source>Move the selected class up</source>
        <translation>선택한 클래스를 위로 이동</translation>
    </message>
    <message>
        <source>Move the selected class down</source>
        <translation>선택한 클래스를 아래로 이동</translation>
    </message>
    <message>
        <source>Merge…</source>
        <translation>병합…</translation>
    </message>
    <message>
        <source>Merge the selected class into another</source>
        <translation>선택한 클래스를 다른 클래스로 병합</translation>
    </message>
    <message>
        <source>(image tag)</source>
        <translation>(이미지 태그)</translation>
    </message>
    <message>
        <source>Merge {source} into {target}</source>
        <translation>{source}을(를) {target}(으)로 병합</translation>
    </message>
    <message>
        <source>Merge classes</source>
        <translation>클래스 병합</translation>
    </message>
    <message>
        <source>Select a class in the Classes list first</source>
        <translation>먼저 클래스 목록에서 클래스를 선택하세요</translation>
    </message>
    <message>
        <source>Add class</source>
        <translation>클래스 추가</translation>
    </message>
    <message>
        <source>Name of the new class:</source>
        <translation>새 클래스 이름:</translation>
    </message>
    <message>
        <source>Drawn as:</source>
        <translation>그리기 방식:</translation>
    </message>
    <message>
        <source>Rename class</source>
        <translation>클래스 이름 바꾸기</translation>
    </message>
    <message>
        <source>New name for {name}:</source>
        <translation>{name}의 새 이름:</translation>
    </message>
    <message>
        <source>Class colour</source>
        <translation>클래스 색</translation>
    </message>
    <message>
        <source>No other {kind} class to merge {name!r} into</source>
        <translation>{name!r}을(를) 병합할 다른 {kind} 클래스가 없습니다</translation>
    </message>
    <message>
        <source>Move every shape and pre-label of {name} to:</source>
        <translation>{name}의 모든 도형과 사전 라벨을 옮길 클래스:</translation>
    </message>
</context>
<context>
    <name>ClassesMenu</name>
    <message>
        <source>Add class…</source>
        <translation>클래스 추가…</translation>
    </message>
    <message>
        <source>Rename selected class…</source>
        <translation>선택한 클래스 이름 바꾸기…</translation>
    </message>
    <message>
        <source>Merge selected class into…</source>
        <translation>선택한 클래스 병합 대상…</translation>
    </message>
</context>
<context>
    <name>CompareView</name>
    <message>
        <source>Improved (fewer errors with A)</source>
        <translation>개선됨 (A에서 오류 감소)</translation>
    </message>
    <message>
        <source>Regressed (more errors with A)</source>
        <translation>악화됨 (A에서 오류 증가)</translation>
    </message>
    <message>
        <source>Stayed wrong</source>
        <translation>계속 틀림</translation>
    </message>
    <message>
        <source>improved</source>
        <translation>개선됨</translation>
    </message>
    <message>
        <source>regressed</source>
        <translation>악화됨</translation>
    </message>
    <message>
        <source>stayed wrong</source>
        <translation>계속 틀림</translation>
    </message>
    <message>
        <source>compare runs</source>
        <translation>실행 비교</translation>
    </message>
    <message>
        <source>No model run yet</source>
        <translation>아직 모델 실행 없음</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>비교</translation>
    </message>
    <message>
        <source>against B</source>
        <translation>대 B</translation>
    </message>
    <message>
        <source>Not compared yet</source>
        <translation>아직 비교하지 않음</translation>
    </message>
    <message>
        <source>Metric</source>
        <translation>지표</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>클래스</translation>
    </message>
    <message>
        <source>Truth</source>
        <translation>정답</translation>
    </message>
    <message>
        <source>Precision–recall at IoU 0.5 (A solid, B dashed)</source>
        <translation>IoU 0.5 정밀도–재현율 (A 실선, B 점선)</translation>
    </message>
    <message>
        <source>Precision–recall at IoU 0.75 (A solid, B dashed)</source>
        <translation>IoU 0.75 정밀도–재현율 (A 실선, B 점선)</translation>
    </message>
    <message>
        <source>Confusion matrix of A</source>
        <translation>A의 혼동 행렬</translation>
    </message>
    <message>
        <source>Confusion matrix of B</source>
        <translation>B의 혼동 행렬</translation>
    </message>
    <message>
        <source>Difference A − B (green: A better)</source>
        <translation>차이 A − B (초록: A가 더 좋음)</translation>
    </message>
    <message>
        <source>Save as slice…</source>
        <translation>슬라이스로 저장…</translation>
    </message>
    <message>
        <source>Save these images as a named slice (to send them to work)</source>
        <translation>이 이미지들을 이름 있는 슬라이스로 저장 (작업으로 보내기 위해)</translation>
    </message>
    <message>
        <source>Double-click (or Enter) opens the image in the canvas.</source>
        <translation>더블클릭(또는 Enter)하면 캔버스에서 이미지를 엽니다.</translation>
    </message>
    <message>
        <source>{kind}: run {a} against run {b}</source>
        <translation>{kind}: 실행 {a} 대 실행 {b}</translation>
    </message>
    <message>
        <source>Save as slice</source>
        <translation>슬라이스로 저장</translation>
    </message>
    <message>
        <source>Slice name:</source>
        <translation>슬라이스 이름:</translation>
    </message>
    <message>
        <source>Not saved: {error}</source>
        <translation>저장되지 않음: {error}</translation>
    </message>
    <message>
        <source>Saved slice {name}: {count} images</source>
        <translation>슬라이스 {name} 저장됨: 이미지 {count}개</translation>
    </message>
    <message>
        <source>Comparing the two runs…</source>
        <translation>두 실행 비교 중…</translation>
    </message>
    <message>
        <source>Could not compare: {message}</source>
        <translation>비교하지 못했습니다: {message}</translation>
    </message>
    <message>
        <source>Updated {time} · recomputed when labels change</source>
        <translation>{time}에 업데이트됨 · 라벨이 바뀌면 다시 계산됨</translation>
    </message>
    <message>
        <source>Nothing to compare.</source>
        <translation>비교할 것이 없습니다.</translation>
    </message>
    <message>
        <source>No comparison.</source>
        <translation>비교 없음.</translation>
    </message>
    <message>
        <source>No truth objects on the compared images.</source>
        <translation>비교한 이미지에 정답 객체가 없습니다.</translation>
    </message>
    <message>
        <source>A minus B</source>
        <translation>A 빼기 B</translation>
    </message>
    <message>
        <source> (first {count})</source>
        <translation> (처음 {count}개)</translation>
    </message>
    <message>
        <source>{a} {model_a} (run #{id_a}) against {b} {model_b} (run #{id_b}) on the {compared} images both covered (A {covered_a}, B {covered_b}) · mAP {map_a} vs {map_b} ({delta})</source>
        <translation>{a} {model_a} (실행 #{id_a}) 대 {b} {model_b} (실행 #{id_b}) · 둘 다 다룬 이미지 {compared}개 (A {covered_a}, B {covered_b}) · mAP {map_a} 대 {map_b} ({delta})</translation>
    </message>
</context>
<context>
    <name>CurationPanel</name>
    <message>
        <source>adjudicated: the annotators&apos; consensus reached no quorum</source>
        <translation>판정함: 작업자 합의가 정족수에 이르지 못함</translation>
    </message>
    <message>
        <source>curation checks</source>
        <translation>큐레이션 검사</translation>
    </message>
    <message>
        <source>Run all checks</source>
        <translation>모든 검사 실행</translation>
    </message>
    <message>
        <source>Duplicates, image quality, likely label errors, class balance</source>
        <translation>중복, 이미지 품질, 라벨 오류 가능성, 클래스 균형</translation>
    </message>
    <message>
        <source>Not run yet</source>
        <translation>아직 실행되지 않음</translation>
    </message>
    <message>
        <source>Adjudicate</source>
        <translation>판정</translation>
    </message>
    <message>
        <source>Duplicates</source>
        <translation>중복</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>이미지</translation>
    </message>
    <message>
        <source>Keep</source>
        <translation>유지</translation>
    </message>
    <message>
        <source>Image</source>
        <translation>이미지</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>검사</translation>
    </message>
    <message>
        <source>Why</source>
        <translation>이유</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>종류</translation>
    </message>
    <message>
        <source>Labeled</source>
        <translation>라벨</translation>
    </message>
    <message>
        <source>Model says</source>
        <translation>모델 예측</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>점수</translation>
    </message>
    <message>
        <source>Objects per class in the final labels</source>
        <translation>최종 라벨의 클래스별 객체 수</translation>
    </message>
    <message>
        <source>Unsuitable images</source>
        <translation>부적합 이미지</translation>
    </message>
    <message>
        <source>Label errors</source>
        <translation>라벨 오류</translation>
    </message>
    <message>
        <source>Class balance</source>
        <translation>클래스 균형</translation>
    </message>
    <message>
        <source>Accept this one (Enter)</source>
        <translation>이 항목 승인 (Enter)</translation>
    </message>
    <message>
        <source>Only reviewers and QA leads adjudicate</source>
        <translation>검수자와 QA 책임자만 판정할 수 있습니다</translation>
    </message>
    <message>
        <source>Clusters the annotators split on without a quorum. Pick the annotation that is right: it is stored as an accepting review and wins its cluster.</source>
        <translation>작업자 의견이 갈려 정족수에 이르지 못한 클러스터입니다. 올바른 어노테이션을 고르세요. 승인 검수로 저장되어 해당 클러스터의 답이 됩니다.</translation>
    </message>
    <message>
        <source>Candidates</source>
        <translation>후보</translation>
    </message>
    <message>
        <source>Could not adjudicate: {error}</source>
        <translation>판정하지 못했습니다: {error}</translation>
    </message>
    <message>
        <source>Accepted {name} by {annotator} (#{id})</source>
        <translation>{annotator}의 {name} 승인 (#{id})</translation>
    </message>
    <message>
        <source>Running the checks…</source>
        <translation>검사 실행 중…</translation>
    </message>
    <message>
        <source>Updating the consensus…</source>
        <translation>합의 업데이트 중…</translation>
    </message>
    <message>
        <source>Could not run the checks: {message}</source>
        <translation>검사를 실행하지 못했습니다: {message}</translation>
    </message>
    <message>
        <source>Adjudicate ({count})</source>
        <translation>판정 ({count})</translation>
    </message>
    <message>
        <source>{images} images checked · {groups} duplicate groups · {errors} likely label errors</source>
        <translation>이미지 {images}개 검사 · 중복 그룹 {groups}개 · 라벨 오류 가능성 {errors}개</translation>
    </message>
    <message>
        <source>keep</source>
        <translation>유지</translation>
    </message>
    <message>
        <source>drop</source>
        <translation>제외</translation>
    </message>
    <message>
        <source>No classes yet.</source>
        <translation>아직 클래스가 없습니다.</translation>
    </message>
    <message>
        <source> (rare)</source>
        <translation> (희소)</translation>
    </message>
    <message>
        <source>objects per class</source>
        <translation>클래스별 객체 수</translation>
    </message>
    <message>
        <source>Largest / smallest class: {ratio}×</source>
        <translation>최대 / 최소 클래스: {ratio}×</translation>
    </message>
    <message>
        <source>A class has no objects.</source>
        <translation>객체가 없는 클래스가 있습니다.</translation>
    </message>
    <message>
        <source> · rare: {names}</source>
        <translation> · 희소: {names}</translation>
    </message>
    <message>
        <source>{name} — by {annotator} (#{id})</source>
        <translation>{name} — {annotator} (#{id})</translation>
    </message>
</context>
<context>
    <name>DisagreementOverlayItem</name>
    <message>
        <source>+1 more disagreement</source>
        <translation>+불일치 1개 더</translation>
    </message>
    <message>
        <source>+{count} more disagreements</source>
        <translation>+불일치 {count}개 더</translation>
    </message>
</context>
<context>
    <name>DisplayPanel</name>
    <message>
        <source>Missing (disagreement)</source>
        <translation>누락 (불일치)</translation>
    </message>
    <message>
        <source>Extra (disagreement)</source>
        <translation>추가 (불일치)</translation>
    </message>
    <message>
        <source>Class mismatch (disagreement)</source>
        <translation>클래스 불일치 (불일치)</translation>
    </message>
    <message>
        <source>Low overlap (disagreement)</source>
        <translation>낮은 겹침 (불일치)</translation>
    </message>
    <message>
        <source>Tag mismatch (disagreement)</source>
        <translation>태그 불일치 (불일치)</translation>
    </message>
    <message>
        <source>annotation (filled with its class colour)</source>
        <translation>어노테이션 (클래스 색으로 채움)</translation>
    </message>
    <message>
        <source>pre-label, with the model&apos;s score</source>
        <translation>사전 라벨, 모델 점수 포함</translation>
    </message>
    <message>
        <source>“crack · alice”: whose shape, where people&apos;s shapes overlap</source>
        <translation>“crack · 지민”: 여러 사람의 도형이 겹치는 곳에서 누구의 도형인지</translation>
    </message>
    <message>
        <source>dashed disagreement outline: the other side (person or model)</source>
        <translation>점선 불일치 윤곽선: 상대편 (사람 또는 모델)</translation>
    </message>
    <message>
        <source>thick outline: the disagreement picked in the triage queue</source>
        <translation>굵은 윤곽선: 분류 대기열에서 고른 불일치</translation>
    </message>
    <message>
        <source>“+3”: more disagreement badges here than fit beside the shape</source>
        <translation>“+3”: 도형 옆에 다 들어가지 않는 불일치 배지가 더 있음</translation>
    </message>
    <message>
        <source>Show classes</source>
        <translation>클래스 표시</translation>
    </message>
    <message>
        <source>Reset</source>
        <translation>초기화</translation>
    </message>
    <message>
        <source>Image as decoded, default fill</source>
        <translation>디코딩된 원본 이미지, 기본 채우기</translation>
    </message>
    <message>
        <source>Agreement overlays on the canvas</source>
        <translation>캔버스에 일치도 오버레이 표시</translation>
    </message>
    <message>
        <source>Remembered for you in this role (O toggles)</source>
        <translation>이 역할에서 사용자별로 기억됩니다 (O로 전환)</translation>
    </message>
    <message>
        <source>Fill</source>
        <translation>채우기</translation>
    </message>
    <message>
        <source>Brightness</source>
        <translation>밝기</translation>
    </message>
    <message>
        <source>Contrast</source>
        <translation>대비</translation>
    </message>
    <message>
        <source>View only: nothing here changes the labels or the image file.</source>
        <translation>보기 전용: 여기서는 라벨이나 이미지 파일이 바뀌지 않습니다.</translation>
    </message>
    <message>
        <source>Legend</source>
        <translation>범례</translation>
    </message>
</context>
<context>
    <name>DockSpec</name>
    <message>
        <source>Images</source>
        <translation>이미지</translation>
    </message>
    <message>
        <source>Classes</source>
        <translation>클래스</translation>
    </message>
    <message>
        <source>Pre-labels</source>
        <translation>사전 라벨</translation>
    </message>
    <message>
        <source>Image tags</source>
        <translation>이미지 태그</translation>
    </message>
    <message>
        <source>Guideline</source>
        <translation>가이드라인</translation>
    </message>
    <message>
        <source>Triage</source>
        <translation>분류</translation>
    </message>
    <message>
        <source>QA dashboard</source>
        <translation>QA 대시보드</translation>
    </message>
    <message>
        <source>Curation</source>
        <translation>큐레이션</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>검수</translation>
    </message>
    <message>
        <source>Inbox</source>
        <translation>받은 질문</translation>
    </message>
    <message>
        <source>Display</source>
        <translation>보기</translation>
    </message>
    <message>
        <source>Shapes</source>
        <translation>도형</translation>
    </message>
</context>
<context>
    <name>ErrorSliceButtons</name>
    <message>
        <source>Save false positives as slice…</source>
        <translation>오탐을 슬라이스로 저장…</translation>
    </message>
    <message>
        <source>Save false negatives as slice…</source>
        <translation>미탐을 슬라이스로 저장…</translation>
    </message>
    <message>
        <source>No model run to take errors from.</source>
        <translation>오류를 가져올 모델 실행이 없습니다.</translation>
    </message>
    <message>
        <source>false negatives of run {run}</source>
        <translation>실행 {run}의 미탐</translation>
    </message>
    <message>
        <source>false positives of run {run}</source>
        <translation>실행 {run}의 오탐</translation>
    </message>
</context>
<context>
    <name>GoldTab</name>
    <message>
        <source>n/a</source>
        <translation>해당 없음</translation>
    </message>
    <message>
        <source>Person</source>
        <translation>사람</translation>
    </message>
    <message>
        <source>Vendor</source>
        <translation>외주 업체</translation>
    </message>
    <message>
        <source>Items</source>
        <translation>항목</translation>
    </message>
    <message>
        <source>F1</source>
        <translation>F1</translation>
    </message>
    <message>
        <source>Mean IoU</source>
        <translation>평균 IoU</translation>
    </message>
    <message>
        <source>Class acc.</source>
        <translation>클래스 정확도</translation>
    </message>
    <message>
        <source>Empty ok</source>
        <translation>빈 답변 정답</translation>
    </message>
    <message>
        <source>False empty</source>
        <translation>잘못된 빈 답변</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>점수</translation>
    </message>
    <message>
        <source>Image</source>
        <translation>이미지</translation>
    </message>
    <message>
        <source>Reference</source>
        <translation>기준</translation>
    </message>
    <message>
        <source>Answered</source>
        <translation>답변</translation>
    </message>
    <message>
        <source>Matched</source>
        <translation>일치</translation>
    </message>
    <message>
        <source>Guideline</source>
        <translation>가이드라인</translation>
    </message>
    <message>
        <source>Not computed yet</source>
        <translation>아직 계산되지 않음</translation>
    </message>
    <message>
        <source>Worst answers first. Double-click (or Enter) opens the image.</source>
        <translation>가장 나쁜 답변부터 표시. 더블클릭(또는 Enter)하면 이미지를 엽니다.</translation>
    </message>
    <message>
        <source>Mark this image gold</source>
        <translation>이 이미지를 골드로 지정</translation>
    </message>
    <message>
        <source>Its reviewed labels become the reference (QA leads)</source>
        <translation>검수된 라벨이 기준이 됩니다 (QA 책임자)</translation>
    </message>
    <message>
        <source>Unmark gold</source>
        <translation>골드 해제</translation>
    </message>
    <message>
        <source>Refresh gold reference</source>
        <translation>골드 기준 새로 고침</translation>
    </message>
    <message>
        <source>{0} gold images · {1} answers scored · F1 {2} · mean IoU {3} · empty answers right {4}/{5}</source>
        <translation>골드 이미지 {0}개 · 채점된 답변 {1}개 · F1 {2} · 평균 IoU {3} · 빈 답변 정답 {4}/{5}</translation>
    </message>
</context>
<context>
    <name>GuidelineDiffDialog</name>
    <message>
        <source>Compare guideline versions</source>
        <translation>가이드라인 버전 비교</translation>
    </message>
    <message>
        <source>draft (next version)</source>
        <translation>초안 (다음 버전)</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>비교</translation>
    </message>
    <message>
        <source>with</source>
        <translation>대상</translation>
    </message>
    <message>
        <source>No guideline version has been published yet.</source>
        <translation>아직 게시된 가이드라인 버전이 없습니다.</translation>
    </message>
</context>
<context>
    <name>GuidelinePanel</name>
    <message>
        <source>Guideline</source>
        <translation>가이드라인</translation>
    </message>
    <message>
        <source>No guideline has been published for this project yet.

A QA lead publishes one; it then shows here, per class.</source>
        <translation>이 프로젝트에는 아직 게시된 가이드라인이 없습니다.

QA 책임자가 가이드라인을 게시하면 여기에 클래스별로 표시됩니다.</translation>
    </message>
    <message>
        <source>draft</source>
        <translation>초안</translation>
    </message>
    <message>
        <source>Guideline {version} · {name}</source>
        <translation>가이드라인 {version} · {name}</translation>
    </message>
    <message>
        <source>Guideline {version} (no section for {name})</source>
        <translation>가이드라인 {version} ({name}에 대한 섹션 없음)</translation>
    </message>
    <message>
        <source>Guideline {version}</source>
        <translation>가이드라인 {version}</translation>
    </message>
</context>
<context>
    <name>GuidelineUi</name>
    <message>
        <source>Acknowledge guideline…</source>
        <translation>가이드라인 확인…</translation>
    </message>
    <message>
        <source>Compare guideline versions…</source>
        <translation>가이드라인 버전 비교…</translation>
    </message>
    <message>
        <source>Guideline: none</source>
        <translation>가이드라인: 없음</translation>
    </message>
    <message>
        <source>No version published yet</source>
        <translation>아직 게시된 버전 없음</translation>
    </message>
    <message>
        <source>Guideline {version} is in force; you acknowledged it</source>
        <translation>가이드라인 {version} 적용 중. 확인을 마쳤습니다</translation>
    </message>
    <message>
        <source>Guideline {version}</source>
        <translation>가이드라인 {version}</translation>
    </message>
    <message>
        <source>Guideline {version} is in force; read and acknowledge it before labeling</source>
        <translation>가이드라인 {version} 적용 중. 라벨링 전에 읽고 확인하세요</translation>
    </message>
    <message>
        <source>Guideline {version} · not acknowledged</source>
        <translation>가이드라인 {version} · 미확인</translation>
    </message>
    <message>
        <source>No guideline version is published yet</source>
        <translation>아직 게시된 가이드라인 버전이 없습니다</translation>
    </message>
</context>
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
        <source>filtering images</source>
        <translation>이미지 필터링 중</translation>
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
        <source>filter images</source>
        <translation>이미지 필터</translation>
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
    <name>ImageChangeList</name>
    <message>
        <source>Image id</source>
        <translation>이미지 ID</translation>
    </message>
    <message>
        <source>File</source>
        <translation>파일</translation>
    </message>
    <message>
        <source>What changed</source>
        <translation>변경 내용</translation>
    </message>
</context>
<context>
    <name>ImageLoader</name>
    <message>
        <source>{path}: cannot decode ({error})</source>
        <translation>{path}: 디코딩할 수 없습니다 ({error})</translation>
    </message>
    <message>
        <source>Image file not found: {path}
(moved, renamed, or on a drive that is not mounted)</source>
        <translation>이미지 파일을 찾을 수 없습니다: {path}
(이동했거나 이름이 바뀌었거나, 연결되지 않은 드라이브에 있음)</translation>
    </message>
    <message>
        <source>Cannot show image {path}: {reason}</source>
        <translation>이미지를 표시할 수 없습니다 {path}: {reason}</translation>
    </message>
</context>
<context>
    <name>InboxPanel</name>
    <message>
        <source>Open</source>
        <translation>열림</translation>
    </message>
    <message>
        <source>Answered</source>
        <translation>답변됨</translation>
    </message>
    <message>
        <source>Promoted</source>
        <translation>승격됨</translation>
    </message>
    <message>
        <source>(the question&apos;s class)</source>
        <translation>(질문의 클래스)</translation>
    </message>
    <message>
        <source>Questions</source>
        <translation>질문</translation>
    </message>
    <message>
        <source>My questions</source>
        <translation>내 질문</translation>
    </message>
    <message>
        <source>Your answer (the asker sees it on the image)</source>
        <translation>답변 (질문자에게 이미지 위에 표시됨)</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>답변</translation>
    </message>
    <message>
        <source>Promote to guideline edge case</source>
        <translation>가이드라인 예외 사례로 승격</translation>
    </message>
    <message>
        <source>Adds the image and its shapes (nobody&apos;s name on them) with the question and answer to the draft guideline, in the section of the class; publishing the version queues that class&apos;s older labels for re-review</source>
        <translation>이미지와 도형(작성자 이름 없이)을 질문과 답변과 함께 가이드라인 초안의 해당 클래스 섹션에 추가합니다. 이 버전을 게시하면 그 클래스의 이전 라벨이 재검수 대기열에 들어갑니다</translation>
    </message>
    <message>
        <source>Show image</source>
        <translation>이미지 보기</translation>
    </message>
    <message>
        <source>Section:</source>
        <translation>섹션:</translation>
    </message>
    <message>
        <source>Q: {text}</source>
        <translation>질문: {text}</translation>
    </message>
    <message>
        <source>asked by {name}</source>
        <translation>질문자 {name}</translation>
    </message>
    <message>
        <source>under guideline v{version}</source>
        <translation>가이드라인 v{version} 기준</translation>
    </message>
    <message>
        <source>section {section}</source>
        <translation>섹션 {section}</translation>
    </message>
    <message>
        <source>on shape #{id}</source>
        <translation>도형 #{id}</translation>
    </message>
    <message>
        <source>on a region {corners}</source>
        <translation>영역 {corners}</translation>
    </message>
    <message>
        <source>A: {answer}</source>
        <translation>답변: {answer}</translation>
    </message>
    <message>
        <source>Waiting for an answer</source>
        <translation>답변 대기 중</translation>
    </message>
</context>
<context>
    <name>LanguageMenu</name>
    <message>
        <source>Language</source>
        <translation>언어</translation>
    </message>
    <message>
        <source>{language} is chosen. Dialogs opened from now on use it; the menus and panels follow when the window opens again (File ▸ Recent, or start labeler again). Your work is saved.</source>
        <translation>{language}(으)로 바꿨습니다. 지금부터 여는 대화 상자에 바로 적용되고, 메뉴와 패널은 창을 다시 열 때(파일 ▸ 최근 항목, 또는 labeler 다시 시작) 바뀝니다. 작업은 저장되어 있습니다.</translation>
    </message>
</context>
<context>
    <name>LegendWidget</name>
    <message>
        <source>annotation</source>
        <translation>어노테이션</translation>
    </message>
    <message>
        <source>pre-label (score)</source>
        <translation>사전 라벨 (점수)</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Only my annotations</source>
        <translation>내 어노테이션만</translation>
    </message>
    <message>
        <source>Add image as guideline edge case…</source>
        <translation>이미지를 가이드라인 예외 사례로 추가…</translation>
    </message>
    <message>
        <source>Tools</source>
        <translation>도구</translation>
    </message>
    <message>
        <source>Select (V)</source>
        <translation>선택 (V)</translation>
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
        <source>Undo</source>
        <translation>실행 취소</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>다시 실행</translation>
    </message>
    <message>
        <source>◀ Prev (A)</source>
        <translation>◀ 이전 (A)</translation>
    </message>
    <message>
        <source>Next (D) ▶</source>
        <translation>다음 (D) ▶</translation>
    </message>
    <message>
        <source>Done (Space)</source>
        <translation>완료 (Space)</translation>
    </message>
    <message>
        <source>Accept (Enter)</source>
        <translation>승인 (Enter)</translation>
    </message>
    <message>
        <source>Accept all</source>
        <translation>모두 승인</translation>
    </message>
    <message>
        <source>Pre-label image</source>
        <translation>이미지 사전 라벨링</translation>
    </message>
    <message>
        <source>Fit (F)</source>
        <translation>맞추기 (F)</translation>
    </message>
    <message>
        <source>This project has no images yet.
Import a folder with File ▸ Import images… ({keys})</source>
        <translation>이 프로젝트에는 아직 이미지가 없습니다.
파일 ▸ 이미지 가져오기…({keys})로 폴더를 가져오세요</translation>
    </message>
    <message>
        <source>, done by you</source>
        <translation>, 내 작업 완료</translation>
    </message>
    <message>
        <source>AI polygon (S)</source>
        <translation>AI 폴리곤 (S)</translation>
    </message>
    <message numerus="yes">
        <source>Copied %n shape(s)</source>
        <translation>
            <numerusform>도형 %n개 복사됨</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Pasted %n shape(s)</source>
        <translation>
            <numerusform>도형 %n개 붙여넣음</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Accepted %n pre-label(s)</source>
        <translation>
            <numerusform>사전 라벨 %n개 승인됨</numerusform>
        </translation>
    </message>
    <message>
        <source>Import images from folder</source>
        <translation>폴더에서 이미지 가져오기</translation>
    </message>
    <message>
        <source>Importing images</source>
        <translation>이미지 가져오는 중</translation>
    </message>
    <message>
        <source>Import failed</source>
        <translation>가져오기 실패</translation>
    </message>
    <message>
        <source>Imported {added} images, {skipped} skipped</source>
        <translation>이미지 {added}개 가져옴, {skipped}개 건너뜀</translation>
    </message>
    <message>
        <source>, {count} shapes dropped</source>
        <translation>, 도형 {count}개 제외됨</translation>
    </message>
    <message>
        <source>, {count} shapes altered</source>
        <translation>, 도형 {count}개 수정됨</translation>
    </message>
    <message>
        <source> (cancelled; finished batches kept)</source>
        <translation> (취소됨, 끝난 배치는 유지)</translation>
    </message>
    <message>
        <source>Not everything was imported as it is</source>
        <translation>일부 항목이 그대로 가져와지지 않았습니다</translation>
    </message>
    <message>
        <source>Open project or package</source>
        <translation>프로젝트 또는 패키지 열기</translation>
    </message>
    <message>
        <source>Recent</source>
        <translation>최근 항목</translation>
    </message>
    <message>
        <source>No recent projects</source>
        <translation>최근 프로젝트 없음</translation>
    </message>
    <message>
        <source>No new images to pre-label</source>
        <translation>사전 라벨링할 새 이미지가 없습니다</translation>
    </message>
    <message>
        <source>Pre-labeling {count} images</source>
        <translation>이미지 {count}개 사전 라벨링 중</translation>
    </message>
    <message>
        <source>Pre-labeling 1 image</source>
        <translation>이미지 1개 사전 라벨링 중</translation>
    </message>
    <message numerus="yes">
        <source>Pre-labeling %n image(s)</source>
        <translation type="vanished">
            <numerusform>이미지 %n개 사전 라벨링 중</numerusform>
        </translation>
    </message>
    <message>
        <source>Pre-labeling failed</source>
        <translation>사전 라벨링 실패</translation>
    </message>
    <message>
        <source>Export dataset</source>
        <translation>데이터셋 내보내기</translation>
    </message>
    <message>
        <source>Format:</source>
        <translation>형식:</translation>
    </message>
    <message>
        <source>Export into a folder</source>
        <translation>폴더로 내보내기</translation>
    </message>
    <message>
        <source>Exporting {format}</source>
        <translation>{format} 내보내는 중</translation>
    </message>
    <message>
        <source>Dataset written to {folder}</source>
        <translation>데이터셋을 {folder}에 저장했습니다</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>내보내기 실패</translation>
    </message>
    <message>
        <source>pre-labeling this image</source>
        <translation>이 이미지 사전 라벨링 중</translation>
    </message>
    <message>
        <source>this project has no model yet: run `labeler prelabel PROJECT --model MODEL.onnx` once</source>
        <translation>이 프로젝트에는 아직 모델이 없습니다: `labeler prelabel PROJECT --model MODEL.onnx`를 한 번 실행하세요</translation>
    </message>
    <message>
        <source>Cannot open the project</source>
        <translation>프로젝트를 열 수 없습니다</translation>
    </message>
</context>
<context>
    <name>MenuId</name>
    <message>
        <source>File</source>
        <translation>파일</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>편집</translation>
    </message>
    <message>
        <source>Tools</source>
        <translation>도구</translation>
    </message>
    <message>
        <source>Pre-labels</source>
        <translation>사전 라벨</translation>
    </message>
    <message>
        <source>Image</source>
        <translation>이미지</translation>
    </message>
    <message>
        <source>Navigate</source>
        <translation>이동</translation>
    </message>
    <message>
        <source>View</source>
        <translation>보기</translation>
    </message>
    <message>
        <source>Classes</source>
        <translation>클래스</translation>
    </message>
    <message>
        <source>QA</source>
        <translation>QA</translation>
    </message>
    <message>
        <source>Guideline</source>
        <translation>가이드라인</translation>
    </message>
    <message>
        <source>Help</source>
        <translation>도움말</translation>
    </message>
</context>
<context>
    <name>ModelPickerDialog</name>
    <message>
        <source>ONNX models (*.onnx);;All files (*)</source>
        <translation>ONNX 모델 (*.onnx);;모든 파일 (*)</translation>
    </message>
    <message>
        <source>Model config (*.json *.yaml *.yml);;All files (*)</source>
        <translation>모델 설정 (*.json *.yaml *.yml);;모든 파일 (*)</translation>
    </message>
    <message>
        <source>detection model</source>
        <translation>검출 모델</translation>
    </message>
    <message>
        <source>class map / config</source>
        <translation>클래스 매핑 / 설정</translation>
    </message>
    <message>
        <source>segmentation encoder</source>
        <translation>분할 인코더</translation>
    </message>
    <message>
        <source>segmentation decoder</source>
        <translation>분할 디코더</translation>
    </message>
    <message>
        <source>this project</source>
        <translation>이 프로젝트</translation>
    </message>
    <message>
        <source>your models folder</source>
        <translation>내 모델 폴더</translation>
    </message>
    <message>
        <source>shipped with labeler</source>
        <translation>labeler 기본 제공</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>찾아보기…</translation>
    </message>
    <message>
        <source>Choose models</source>
        <translation>모델 선택</translation>
    </message>
    <message>
        <source>Detection model</source>
        <translation>검출 모델</translation>
    </message>
    <message>
        <source>Model config / class map</source>
        <translation>모델 설정 / 클래스 매핑</translation>
    </message>
    <message>
        <source>none: the model&apos;s own names (or MODEL.json beside it)</source>
        <translation>없음: 모델에 들어 있는 클래스 이름 (또는 모델 파일 옆의 같은 이름 .json)</translation>
    </message>
    <message>
        <source>(files below)</source>
        <translation>(아래 파일)</translation>
    </message>
    <message>
        <source>Segmentation encoder</source>
        <translation>분할 인코더</translation>
    </message>
    <message>
        <source>Segmentation decoder</source>
        <translation>분할 디코더</translation>
    </message>
    <message>
        <source>Pre-labeling (detection)</source>
        <translation>사전 라벨링 (검출)</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>모델</translation>
    </message>
    <message>
        <source>Config / class map</source>
        <translation>설정 / 클래스 매핑</translation>
    </message>
    <message>
        <source>AI polygons (segmentation)</source>
        <translation>AI 폴리곤 (분할)</translation>
    </message>
    <message>
        <source>Models folder</source>
        <translation>모델 폴더</translation>
    </message>
    <message>
        <source>Encoder</source>
        <translation>인코더</translation>
    </message>
    <message>
        <source>Decoder</source>
        <translation>디코더</translation>
    </message>
    <message>
        <source>Remembered in this project: everyone who opens it uses these models.</source>
        <translation>이 프로젝트에 저장됩니다: 프로젝트를 여는 모든 사람이 이 모델을 사용합니다.</translation>
    </message>
    <message>
        <source>none chosen: {model} is used</source>
        <translation>선택 안 함: {model} 사용</translation>
    </message>
    <message>
        <source>{what}: {path} (not found)</source>
        <translation>{what}: {path} (찾을 수 없음)</translation>
    </message>
    <message>
        <source>a segmentation model needs both an encoder and a decoder</source>
        <translation>분할 모델에는 인코더와 디코더가 모두 필요합니다</translation>
    </message>
</context>
<context>
    <name>PrelabelPanel</name>
    <message>
        <source>Dropped %n detection of classes the class map or the project does not have: {classes}</source>
        <translation>클래스 매핑이나 프로젝트에 없는 클래스의 검출 %n개를 제외했습니다: {classes}</translation>
    </message>
    <message>
        <source>Dropped %n detections of classes the class map or the project does not have: {classes}</source>
        <translation>클래스 매핑이나 프로젝트에 없는 클래스의 검출 %n개를 제외했습니다: {classes}</translation>
    </message>
    <message>
        <source>Show pre-labels</source>
        <translation>사전 라벨 표시</translation>
    </message>
    <message>
        <source>Accept all shown</source>
        <translation>표시된 항목 모두 승인</translation>
    </message>
    <message>
        <source>Pre-label this image</source>
        <translation>이 이미지 사전 라벨링</translation>
    </message>
    <message>
        <source>Min. score</source>
        <translation>최소 점수</translation>
    </message>
    <message>
        <source>No pre-labels on this image.</source>
        <translation>이 이미지에는 사전 라벨이 없습니다.</translation>
    </message>
    <message>
        <source>{shown} shown · {below} below the threshold · {done} accepted/rejected</source>
        <translation>{shown}개 표시 · 임계값 미만 {below}개 · 승인/거절 {done}개</translation>
    </message>
    <message>
        <source>Accept all shown ({count})</source>
        <translation>표시된 항목 모두 승인 ({count})</translation>
    </message>
    <message>
        <source>Running the model…</source>
        <translation>모델 실행 중…</translation>
    </message>
    <message>
        <source>Pre-labeling</source>
        <translation>사전 라벨링</translation>
    </message>
    <message numerus="yes">
        <source>%n pre-labels</source>
        <translation>
            <numerusform>사전 라벨 %n개</numerusform>
        </translation>
    </message>
    <message>
        <source>Pre-labeled</source>
        <translation>사전 라벨링 완료</translation>
    </message>
    <message>
        <source>ran on {provider}</source>
        <translation>{provider}에서 실행</translation>
    </message>
    <message>
        <source>Pre-labeling failed: {message}</source>
        <translation>사전 라벨링 실패: {message}</translation>
    </message>
    <message>
        <source>The model found nothing on this image at its confidence threshold.</source>
        <translation>모델이 현재 신뢰도 임계값에서 이 이미지에서 아무것도 찾지 못했습니다.</translation>
    </message>
</context>
<context>
    <name>ProgressDialog</name>
    <message>
        <source>{job} failed unexpectedly: {error}</source>
        <translation>{job} 작업이 예기치 않게 실패했습니다: {error}</translation>
    </message>
    <message>
        <source>{s} s</source>
        <translation>{s}초</translation>
    </message>
    <message>
        <source>{min} min {s} s</source>
        <translation>{min}분 {s}초</translation>
    </message>
    <message>
        <source>{h} h {min} min</source>
        <translation>{h}시간 {min}분</translation>
    </message>
    <message>
        <source>starting…</source>
        <translation>시작하는 중…</translation>
    </message>
    <message>
        <source>{done} of {total}</source>
        <translation>{total}개 중 {done}개</translation>
    </message>
    <message>
        <source> · about {eta} left</source>
        <translation> · 약 {eta} 남음</translation>
    </message>
    <message>
        <source>cancelling… (finished work is kept)</source>
        <translation>취소하는 중… (끝난 작업은 유지됩니다)</translation>
    </message>
</context>
<context>
    <name>QaView</name>
    <message>
        <source>Vendors</source>
        <translation>외주 업체</translation>
    </message>
    <message>
        <source>Gold</source>
        <translation>골드</translation>
    </message>
    <message>
        <source>No model run yet</source>
        <translation>아직 모델 실행 없음</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>새로 고침</translation>
    </message>
    <message>
        <source>Not computed yet</source>
        <translation>아직 계산되지 않음</translation>
    </message>
    <message>
        <source>Model run</source>
        <translation>모델 실행</translation>
    </message>
    <message>
        <source>Agreement per class (object F1 between annotators)</source>
        <translation>클래스별 일치도 (작업자 간 객체 F1)</translation>
    </message>
    <message>
        <source>Mean IoU of matched objects per class</source>
        <translation>클래스별 매칭 객체의 평균 IoU</translation>
    </message>
    <message>
        <source>Agreement per person (F1 against the consensus)</source>
        <translation>작업자별 일치도 (합의 대비 F1)</translation>
    </message>
    <message>
        <source>Agreement per guideline version (F1)</source>
        <translation>가이드라인 버전별 일치도 (F1)</translation>
    </message>
    <message>
        <source>Trend: agreement per week (F1)</source>
        <translation>추세: 주별 일치도 (F1)</translation>
    </message>
    <message>
        <source>Image tags: Fleiss&apos; kappa per class</source>
        <translation>이미지 태그: 클래스별 Fleiss 카파</translation>
    </message>
    <message>
        <source>Agreement</source>
        <translation>일치도</translation>
    </message>
    <message>
        <source>Average precision per class (AP, IoU .50:.95)</source>
        <translation>클래스별 평균 정밀도 (AP, IoU .50:.95)</translation>
    </message>
    <message>
        <source>Confusion matrix (rows: truth, columns: predicted)</source>
        <translation>혼동 행렬 (행: 정답, 열: 예측)</translation>
    </message>
    <message>
        <source>Precision–recall at IoU 0.5</source>
        <translation>IoU 0.5 정밀도–재현율</translation>
    </message>
    <message>
        <source>Precision–recall at IoU 0.75</source>
        <translation>IoU 0.75 정밀도–재현율</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>모델</translation>
    </message>
    <message>
        <source>Errors</source>
        <translation>오류</translation>
    </message>
    <message>
        <source>Compare runs</source>
        <translation>실행 비교</translation>
    </message>
    <message>
        <source>False positives</source>
        <translation>오탐</translation>
    </message>
    <message>
        <source>False negatives</source>
        <translation>미탐</translation>
    </message>
    <message>
        <source>Double-click (or Enter) opens the object in the canvas.</source>
        <translation>더블클릭(또는 Enter)하면 캔버스에서 객체를 엽니다.</translation>
    </message>
    <message>
        <source>Computing agreement and model metrics…</source>
        <translation>일치도와 모델 지표 계산 중…</translation>
    </message>
    <message>
        <source>Could not compute the QA figures: {message}</source>
        <translation>QA 수치를 계산하지 못했습니다: {message}</translation>
    </message>
    <message>
        <source>Updated {time} · recomputed when labels change</source>
        <translation>{time}에 업데이트됨 · 라벨이 바뀌면 다시 계산됨</translation>
    </message>
    <message>
        <source>nobody yet</source>
        <translation>아직 없음</translation>
    </message>
    <message numerus="yes">
        <source>%n images compared</source>
        <translation>
            <numerusform>이미지 %n개 비교</numerusform>
        </translation>
    </message>
    <message>
        <source>object F1 {value}</source>
        <translation>객체 F1 {value}</translation>
    </message>
    <message>
        <source>Krippendorff&apos;s α {value}</source>
        <translation>Krippendorff α {value}</translation>
    </message>
    <message>
        <source>mean IoU {value}</source>
        <translation>평균 IoU {value}</translation>
    </message>
    <message>
        <source>This project has no image-level tag classes.</source>
        <translation>이 프로젝트에는 이미지 단위 태그 클래스가 없습니다.</translation>
    </message>
    <message>
        <source>Nothing to compare yet: two people must label the same images.</source>
        <translation>아직 비교할 것이 없습니다: 두 사람이 같은 이미지에 라벨을 달아야 합니다.</translation>
    </message>
    <message>
        <source>One week of labels so far: the trend line starts next week.</source>
        <translation>지금까지 1주 분량의 라벨: 추세선은 다음 주부터 표시됩니다.</translation>
    </message>
    <message>
        <source>No finished model run yet: pre-label images (File ▸ Pre-label all new images) to see the model&apos;s precision, recall and errors here.</source>
        <translation>아직 완료된 모델 실행이 없습니다: 이미지에 사전 라벨을 달면(파일 ▸ 모든 신규 이미지 사전 라벨) 여기에서 모델의 정밀도, 재현율, 오류를 볼 수 있습니다.</translation>
    </message>
    <message>
        <source>No model diagnosis.</source>
        <translation>모델 진단 없음.</translation>
    </message>
    <message>
        <source>No class has truth objects on the images the run covered.</source>
        <translation>실행이 다룬 이미지에 정답 객체가 있는 클래스가 없습니다.</translation>
    </message>
    <message>
        <source>No objects to compare.</source>
        <translation>비교할 객체가 없습니다.</translation>
    </message>
    <message>
        <source>No truth objects on the images the run covered.</source>
        <translation>실행이 다룬 이미지에 정답 객체가 없습니다.</translation>
    </message>
    <message>
        <source>{model} (run #{id}) on {images} image(s){left_out}, {truth} truth objects, {predictions} predictions</source>
        <translation>{model} (실행 #{id}) · 이미지 {images}개{left_out}, 정답 객체 {truth}개, 예측 {predictions}개</translation>
    </message>
    <message>
        <source>Truth: {truth}</source>
        <translation>정답: {truth}</translation>
    </message>
    <message>
        <source> (first {count})</source>
        <translation> (처음 {count}개)</translation>
    </message>
</context>
<context>
    <name>QuestionBanner</name>
    <message>
        <source>Answer to your question “{question}”: {answer}</source>
        <translation>질문 “{question}”에 대한 답변: {answer}</translation>
    </message>
    <message>
        <source>⏳ Waiting for an answer: “{question}”</source>
        <translation>⏳ 답변 대기 중: “{question}”</translation>
    </message>
    <message>
        <source>Question: waiting for answer</source>
        <translation>질문: 답변 대기 중</translation>
    </message>
    <message>
        <source>Question: answered</source>
        <translation>질문: 답변됨</translation>
    </message>
    <message numerus="yes">
        <source>%n open question(s) on this image: see the Inbox</source>
        <translation>
            <numerusform>이 이미지에 열린 질문 %n개: 받은 편지함을 확인하세요</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>QuestionsUi</name>
    <message>
        <source>shape</source>
        <translation>도형</translation>
    </message>
    <message>
        <source>{name} #{id} on {image}</source>
        <translation>{image}의 {name} #{id}</translation>
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
        <source>annotator</source>
        <translation>작업자</translation>
    </message>
    <message>
        <source>reviewer</source>
        <translation>검수자</translation>
    </message>
    <message>
        <source>QA lead</source>
        <translation>QA 책임자</translation>
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
        <source>review lists</source>
        <translation>검수 목록</translation>
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
        <translation type="vanished">결정이 저장되지 않았습니다 (사유는 상태 표시줄에 있습니다).</translation>
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
    <name>SaveShownAsSlice</name>
    <message>
        <source>Save as slice…</source>
        <translation>슬라이스로 저장…</translation>
    </message>
    <message>
        <source>Save the images listed here as a named slice</source>
        <translation>여기 나열된 이미지를 이름 있는 슬라이스로 저장</translation>
    </message>
    <message>
        <source>Nothing listed to save.</source>
        <translation>저장할 항목이 없습니다.</translation>
    </message>
</context>
<context>
    <name>SegmentationService</name>
    <message>
        <source>encoding failed: {error}</source>
        <translation>인코딩 실패: {error}</translation>
    </message>
    <message>
        <source>the image is not encoded yet</source>
        <translation>이미지가 아직 인코딩되지 않았습니다</translation>
    </message>
    <message>
        <source>cannot outline the mask: {error}</source>
        <translation>마스크의 윤곽을 만들 수 없습니다: {error}</translation>
    </message>
</context>
<context>
    <name>SendToWorkDialog</name>
    <message>
        <source>Send slice {name} to work</source>
        <translation>슬라이스 {name}을(를) 작업으로 보내기</translation>
    </message>
    <message>
        <source>Assign to people in-house</source>
        <translation>사내 작업자에게 배정</translation>
    </message>
    <message>
        <source>Write a package for a vendor</source>
        <translation>외주 업체용 패키지 작성</translation>
    </message>
    <message>
        <source>Blind (annotators do not see each other&apos;s labels)</source>
        <translation>블라인드 (작업자가 서로의 라벨을 보지 않음)</translation>
    </message>
    <message>
        <source>Show or include the model&apos;s pre-labels</source>
        <translation>모델의 사전 라벨 표시 또는 포함</translation>
    </message>
    <message>
        <source>Why, e.g. false negatives of run 3, class dent</source>
        <translation>이유, 예: 실행 3의 미탐, 클래스 dent</translation>
    </message>
    <message>
        <source>Vendor</source>
        <translation>외주 업체</translation>
    </message>
    <message>
        <source>Package</source>
        <translation>패키지</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>메모</translation>
    </message>
    <message>
        <source>Say why in the note: it travels with the work.</source>
        <translation>메모에 이유를 적으세요. 작업과 함께 전달됩니다.</translation>
    </message>
    <message>
        <source>Tick at least one person.</source>
        <translation>한 명 이상 선택하세요.</translation>
    </message>
    <message>
        <source>Choose a vendor and the package file to write.</source>
        <translation>외주 업체와 작성할 패키지 파일을 선택하세요.</translation>
    </message>
</context>
<context>
    <name>ShapeList</name>
    <message>
        <source>Shape</source>
        <translation>도형</translation>
    </message>
    <message>
        <source>By</source>
        <translation>작성자</translation>
    </message>
    <message>
        <source>Hide</source>
        <translation>숨기기</translation>
    </message>
    <message>
        <source>Lock</source>
        <translation>잠금</translation>
    </message>
    <message>
        <source>No image</source>
        <translation>이미지 없음</translation>
    </message>
    <message numerus="yes">
        <source>%n shape on this image</source>
        <translation>
            <numerusform>이 이미지의 도형 %n개</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n shapes on this image</source>
        <translation>
            <numerusform>이 이미지의 도형 %n개</numerusform>
        </translation>
    </message>
    <message>
        <source>{name} shape #{id}</source>
        <translation>{name} 도형 #{id}</translation>
    </message>
    <message>
        <source>{name} pre-label #{id}</source>
        <translation>{name} 사전 라벨 #{id}</translation>
    </message>
    <message>
        <source>model {score}</source>
        <translation>모델 {score}</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>키보드 단축키</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>그룹</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>동작</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>키</translation>
    </message>
    <message>
        <source>Restore defaults</source>
        <translation>기본값 복원</translation>
    </message>
    <message>
        <source>Every action has keys; click a key field and press the new keys.</source>
        <translation>모든 동작에 단축키가 있습니다. 키 칸을 클릭하고 새 키를 누르세요.</translation>
    </message>
    <message>
        <source>Keys used twice — {keys}</source>
        <translation>두 번 쓰인 키 — {keys}</translation>
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
    <name>SliceControls</name>
    <message>
        <source>Save as slice</source>
        <translation>슬라이스로 저장</translation>
    </message>
    <message>
        <source>Slice name:</source>
        <translation>슬라이스 이름:</translation>
    </message>
    <message>
        <source>Why (a note):</source>
        <translation>이유 (메모):</translation>
    </message>
    <message>
        <source>Saving slice {name}…</source>
        <translation>슬라이스 {name} 저장 중…</translation>
    </message>
    <message>
        <source>save slice</source>
        <translation>슬라이스 저장</translation>
    </message>
    <message>
        <source>Saved slice {name}: {count} images</source>
        <translation>슬라이스 {name} 저장됨: 이미지 {count}개</translation>
    </message>
    <message>
        <source>Not saved: {message}</source>
        <translation>저장되지 않음: {message}</translation>
    </message>
    <message>
        <source>Save as slice…</source>
        <translation>슬라이스로 저장…</translation>
    </message>
    <message>
        <source>Save the images this filter lists as a named slice</source>
        <translation>이 필터가 보여 주는 이미지를 이름 있는 슬라이스로 저장</translation>
    </message>
    <message>
        <source>Send to work…</source>
        <translation>작업으로 보내기…</translation>
    </message>
    <message>
        <source>Assign the slice&apos;s images to people, or package them</source>
        <translation>슬라이스의 이미지를 작업자에게 배정하거나 패키지로 만들기</translation>
    </message>
    <message>
        <source>Any slice</source>
        <translation>모든 슬라이스</translation>
    </message>
    <message>
        <source>Sending {name} to work…</source>
        <translation>{name}을(를) 작업으로 보내는 중…</translation>
    </message>
    <message>
        <source>{message} (note: {note})</source>
        <translation>{message} (메모: {note})</translation>
    </message>
    <message>
        <source>Not sent: {message}</source>
        <translation>보내지 않음: {message}</translation>
    </message>
    <message>
        <source>send slice</source>
        <translation>슬라이스 보내기</translation>
    </message>
    <message>
        <source>Choose a slice first.</source>
        <translation>먼저 슬라이스를 선택하세요.</translation>
    </message>
</context>
<context>
    <name>SliceList</name>
    <message>
        <source>Image</source>
        <translation>이미지</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>클래스</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>사유</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>점수</translation>
    </message>
</context>
<context>
    <name>StartScreen</name>
    <message>
        <source>Label and review images, with pre-labels and guidelines.</source>
        <translation>사전 라벨과 가이드라인으로 이미지를 라벨링하고 검수하세요.</translation>
    </message>
    <message>
        <source>Open project or package…</source>
        <translation>프로젝트 또는 패키지 열기…</translation>
    </message>
    <message>
        <source>New project…</source>
        <translation>새 프로젝트…</translation>
    </message>
    <message>
        <source>Recent projects</source>
        <translation>최근 프로젝트</translation>
    </message>
    <message>
        <source>Open project or package</source>
        <translation>프로젝트 또는 패키지 열기</translation>
    </message>
    <message>
        <source>New project</source>
        <translation>새 프로젝트</translation>
    </message>
    <message>
        <source>labeler projects ({pattern})</source>
        <translation>labeler 프로젝트 ({pattern})</translation>
    </message>
    <message>
        <source>Classes</source>
        <translation>클래스</translation>
    </message>
    <message>
        <source>Box classes, separated by commas:</source>
        <translation>박스 클래스 (쉼표로 구분):</translation>
    </message>
    <message>
        <source>Cannot create the project</source>
        <translation>프로젝트를 만들 수 없습니다</translation>
    </message>
</context>
<context>
    <name>TagsPanel</name>
    <message>
        <source>This project has no image-level classes.</source>
        <translation>이 프로젝트에는 이미지 단위 클래스가 없습니다.</translation>
    </message>
</context>
<context>
    <name>TriageItem</name>
    <message>
        <source>{name} only by {side}</source>
        <translation>{name}: {side}만 표시</translation>
    </message>
    <message>
        <source>{a} ({side_a}) vs {b} ({side_b})</source>
        <translation>{a} ({side_a}) 대 {b} ({side_b})</translation>
    </message>
    <message>
        <source>{name}, IoU {iou} ({side_a} vs {side_b})</source>
        <translation>{name}, IoU {iou} ({side_a} 대 {side_b})</translation>
    </message>
    <message>
        <source>tag {name} only by {side}</source>
        <translation>태그 {name}: {side}만 표시</translation>
    </message>
    <message>
        <source>consensus</source>
        <translation>합의</translation>
    </message>
    <message>
        <source>model run {run}</source>
        <translation>모델 실행 {run}</translation>
    </message>
    <message>
        <source>model</source>
        <translation>모델</translation>
    </message>
</context>
<context>
    <name>TriagePanel</name>
    <message>
        <source>Type</source>
        <translation>유형</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>클래스</translation>
    </message>
    <message>
        <source>Person</source>
        <translation>사람</translation>
    </message>
    <message>
        <source>Guideline</source>
        <translation>가이드라인</translation>
    </message>
    <message>
        <source>Missing</source>
        <translation>누락</translation>
    </message>
    <message>
        <source>Extra</source>
        <translation>추가</translation>
    </message>
    <message>
        <source>Class mismatch</source>
        <translation>클래스 불일치</translation>
    </message>
    <message>
        <source>Low overlap</source>
        <translation>낮은 겹침</translation>
    </message>
    <message>
        <source>Tag mismatch</source>
        <translation>태그 불일치</translation>
    </message>
    <message>
        <source>disagreements</source>
        <translation>불일치</translation>
    </message>
    <message>
        <source>Annotators and newest model</source>
        <translation>작업자와 최신 모델</translation>
    </message>
    <message>
        <source>Annotators only (every pair)</source>
        <translation>작업자만 (모든 쌍)</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>새로 고침</translation>
    </message>
    <message>
        <source>Not computed yet</source>
        <translation>아직 계산되지 않음</translation>
    </message>
    <message>
        <source>All</source>
        <translation>전체</translation>
    </message>
    <message>
        <source>On this image</source>
        <translation>이 이미지</translation>
    </message>
    <message>
        <source>Show overlays on the canvas</source>
        <translation>캔버스에 오버레이 표시</translation>
    </message>
    <message>
        <source>disagreements to triage</source>
        <translation>분류할 불일치</translation>
    </message>
    <message>
        <source>Comparing labels…</source>
        <translation>라벨 비교 중…</translation>
    </message>
    <message>
        <source>Could not compare labels: {message}</source>
        <translation>라벨을 비교하지 못했습니다: {message}</translation>
    </message>
    <message>
        <source>Model run {run} vs consensus</source>
        <translation>모델 실행 {run} 대 합의</translation>
    </message>
    <message numerus="yes">
        <source>{shown} of %n disagreements, worst first · N / Shift+N to walk</source>
        <translation>
            <numerusform>불일치 %n개 중 {shown}개, 심각한 순 · N / Shift+N으로 이동</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{shown} of %n disagreement, worst first · N / Shift+N to walk</source>
        <translation>
            <numerusform>불일치 %n개 중 {shown}개, 심각한 순 · N / Shift+N으로 이동</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n disagreements, worst first · N / Shift+N to walk</source>
        <translation>
            <numerusform>불일치 %n개, 심각한 순 · N / Shift+N으로 이동</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n disagreement, worst first · N / Shift+N to walk</source>
        <translation>
            <numerusform>불일치 %n개, 심각한 순 · N / Shift+N으로 이동</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>On this image: %n disagreements</source>
        <translation>
            <numerusform>이 이미지: 불일치 %n개</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>On this image: %n disagreement</source>
        <translation>
            <numerusform>이 이미지: 불일치 %n개</numerusform>
        </translation>
    </message>
    <message>
        <source>{side_a} vs {side_b}</source>
        <translation>{side_a} 대 {side_b}</translation>
    </message>
</context>
<context>
    <name>TriageTableModel</name>
    <message>
        <source>Severity</source>
        <translation>심각도</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>유형</translation>
    </message>
    <message>
        <source>Image</source>
        <translation>이미지</translation>
    </message>
    <message>
        <source>What differs</source>
        <translation>차이점</translation>
    </message>
    <message>
        <source>Ver.</source>
        <translation>버전</translation>
    </message>
    <message>
        <source>{type}: {what}
on {image}, {side_a} vs {side_b}, guideline {version}</source>
        <translation>{type}: {what}
{image}, {side_a} 대 {side_b}, 가이드라인 {version}</translation>
    </message>
</context>
<context>
    <name>VendorTab</name>
    <message>
        <source>Vendor</source>
        <translation>외주 업체</translation>
    </message>
    <message>
        <source>Batch</source>
        <translation>배치</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>보냄</translation>
    </message>
    <message>
        <source>Delivered</source>
        <translation>납품</translation>
    </message>
    <message>
        <source>Objects</source>
        <translation>객체</translation>
    </message>
    <message>
        <source>Accepted</source>
        <translation>승인</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>반려</translation>
    </message>
    <message>
        <source>Fixed</source>
        <translation>수정</translation>
    </message>
    <message>
        <source>Gold F1</source>
        <translation>골드 F1</translation>
    </message>
    <message>
        <source>Agreement F1</source>
        <translation>일치도 F1</translation>
    </message>
    <message>
        <source>Median s/image</source>
        <translation>이미지당 중앙값(초)</translation>
    </message>
    <message>
        <source>Questions</source>
        <translation>질문</translation>
    </message>
    <message>
        <source>Cost</source>
        <translation>비용</translation>
    </message>
    <message>
        <source>Cost/accepted</source>
        <translation>승인당 비용</translation>
    </message>
    <message>
        <source>Gold trend</source>
        <translation>골드 추세</translation>
    </message>
    <message>
        <source>Accepted trend</source>
        <translation>승인 추세</translation>
    </message>
    <message>
        <source>in-house</source>
        <translation>사내</translation>
    </message>
    <message>
        <source>vendor scorecard</source>
        <translation>외주 업체 성적표</translation>
    </message>
    <message>
        <source>Not computed yet</source>
        <translation>아직 계산되지 않음</translation>
    </message>
    <message>
        <source>Gold F1 per batch (in the order sent)</source>
        <translation>배치별 골드 F1 (보낸 순서)</translation>
    </message>
    <message>
        <source>Share of reviewed objects accepted per batch</source>
        <translation>배치별 검수 객체 승인 비율</translation>
    </message>
    <message>
        <source>{0} batches from {1} vendors ({2})</source>
        <translation>외주 업체 {1}곳의 배치 {0}개 ({2})</translation>
    </message>
    <message>
        <source>No vendor batch yet: export a package or assign a batch</source>
        <translation>아직 외주 업체 배치가 없습니다: 패키지를 내보내거나 배치를 배정하세요</translation>
    </message>
    <message>
        <source>No batch has a figure here yet.</source>
        <translation>아직 수치가 있는 배치가 없습니다.</translation>
    </message>
</context>
<context>
    <name>Workspace</name>
    <message>
        <source>Could not record time: {error}</source>
        <translation>작업 시간을 기록하지 못했습니다: {error}</translation>
    </message>
    <message>
        <source>{edit} was NOT saved: {error}</source>
        <translation>&apos;{edit}&apos; 작업이 저장되지 않았습니다: {error}</translation>
    </message>
    <message>
        <source>{edit} refused: {reason}</source>
        <translation>{edit} 거부됨: {reason}</translation>
    </message>
    <message>
        <source>A panel failed to show a change ({error}); the change itself is saved</source>
        <translation>패널이 변경 사항을 표시하지 못했습니다 ({error}). 변경 사항 자체는 저장되었습니다</translation>
    </message>
    <message>
        <source>Cannot read the project&apos;s changes: {error}</source>
        <translation>프로젝트 변경 사항을 읽을 수 없습니다: {error}</translation>
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
    <name>acknowledge</name>
    <message>
        <source>none</source>
        <translation>없음</translation>
    </message>
    <message>
        <source>draft</source>
        <translation>초안</translation>
    </message>
</context>
<context>
    <name>actions</name>
    <message>
        <source>Class {number}</source>
        <translation>클래스 {number}</translation>
    </message>
    <message>
        <source>Draw boxes</source>
        <translation>박스 그리기</translation>
    </message>
    <message>
        <source>drag from corner to corner</source>
        <translation>모서리에서 반대쪽 모서리로 드래그</translation>
    </message>
    <message>
        <source>Draw polygons</source>
        <translation>폴리곤 그리기</translation>
    </message>
    <message>
        <source>click vertices; click the first one, double-click or Enter to close</source>
        <translation>꼭짓점을 클릭하세요. 첫 꼭짓점 클릭, 더블클릭 또는 Enter로 닫습니다</translation>
    </message>
    <message>
        <source>Select and edit</source>
        <translation>선택 및 편집</translation>
    </message>
    <message>
        <source>drag shapes, corners and vertices; Shift+click deletes a vertex, double-click an edge inserts one; Esc also returns here</source>
        <translation>도형, 모서리, 꼭짓점을 드래그하세요. Shift+클릭은 꼭짓점 삭제, 변을 더블클릭하면 꼭짓점 추가, Esc로도 이 도구로 돌아옵니다</translation>
    </message>
    <message>
        <source>AI polygon (click to segment)</source>
        <translation>AI 폴리곤 (클릭하여 분할)</translation>
    </message>
    <message>
        <source>click: a positive point; Shift+click or right click: a negative point; drag: a box; Enter accepts, Esc cancels</source>
        <translation>클릭: 포함 점, Shift+클릭 또는 오른쪽 클릭: 제외 점, 드래그: 박스, Enter로 확정, Esc로 취소</translation>
    </message>
    <message>
        <source>Choose models…</source>
        <translation>모델 선택…</translation>
    </message>
    <message>
        <source>the detection model with its class map, and the segmentation model (per project)</source>
        <translation>검출 모델과 클래스 매핑, 분할 모델 (프로젝트별)</translation>
    </message>
    <message>
        <source>Next image</source>
        <translation>다음 이미지</translation>
    </message>
    <message>
        <source>Previous image</source>
        <translation>이전 이미지</translation>
    </message>
    <message>
        <source>Mark image done / not done</source>
        <translation>이미지 완료 / 완료 취소</translation>
    </message>
    <message>
        <source>Mark image for review</source>
        <translation>이미지를 검수 필요로 표시</translation>
    </message>
    <message>
        <source>Ask a question about this image…</source>
        <translation>이 이미지에 대해 질문하기…</translation>
    </message>
    <message>
        <source>about the selected shape, or the image; the answer shows on the image</source>
        <translation>선택한 도형 또는 이미지에 대한 질문. 답변은 이미지에 표시됩니다</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>실행 취소</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>다시 실행</translation>
    </message>
    <message>
        <source>Delete shape / reject pre-label</source>
        <translation>도형 삭제 / 사전 라벨 거절</translation>
    </message>
    <message>
        <source>Copy shape (all if none selected)</source>
        <translation>도형 복사 (선택이 없으면 전체)</translation>
    </message>
    <message>
        <source>Paste shapes</source>
        <translation>도형 붙여넣기</translation>
    </message>
    <message>
        <source>Accept pre-label (then select the next)</source>
        <translation>사전 라벨 승인 (다음 항목 선택)</translation>
    </message>
    <message>
        <source>Accept all shown pre-labels</source>
        <translation>표시된 사전 라벨 모두 승인</translation>
    </message>
    <message>
        <source>Reject pre-label</source>
        <translation>사전 라벨 거절</translation>
    </message>
    <message>
        <source>Show / hide pre-labels</source>
        <translation>사전 라벨 표시 / 숨기기</translation>
    </message>
    <message>
        <source>Pre-label this image</source>
        <translation>이 이미지 사전 라벨링</translation>
    </message>
    <message>
        <source>Next disagreement</source>
        <translation>다음 불일치</translation>
    </message>
    <message>
        <source>Previous disagreement</source>
        <translation>이전 불일치</translation>
    </message>
    <message>
        <source>Show / hide disagreements</source>
        <translation>불일치 표시 / 숨기기</translation>
    </message>
    <message>
        <source>Fit image</source>
        <translation>화면에 맞추기</translation>
    </message>
    <message>
        <source>Actual size (1:1)</source>
        <translation>실제 크기 (1:1)</translation>
    </message>
    <message>
        <source>Zoom in</source>
        <translation>확대</translation>
    </message>
    <message>
        <source>Zoom out</source>
        <translation>축소</translation>
    </message>
    <message>
        <source>Open…</source>
        <translation>열기…</translation>
    </message>
    <message>
        <source>a project (.labeler) or a vendor work package (.lbpkg)</source>
        <translation>프로젝트(.labeler) 또는 외주 작업 패키지(.lbpkg)</translation>
    </message>
    <message>
        <source>Import images…</source>
        <translation>이미지 가져오기…</translation>
    </message>
    <message>
        <source>Pre-label all new images…</source>
        <translation>새 이미지 모두 사전 라벨링…</translation>
    </message>
    <message>
        <source>Export dataset…</source>
        <translation>데이터셋 내보내기…</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>종료</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>키보드 단축키</translation>
    </message>
</context>
<context>
    <name>compare_view</name>
    <message>
        <source>Comparing needs two finished model runs; this project has {count}.</source>
        <translation>비교하려면 완료된 모델 실행이 두 개 필요합니다. 이 프로젝트에는 {count}개 있습니다.</translation>
    </message>
    <message>
        <source>Comparing needs two finished model runs; this project has none yet.</source>
        <translation>비교하려면 완료된 모델 실행이 두 개 필요합니다. 이 프로젝트에는 아직 없습니다.</translation>
    </message>
    <message>
        <source>n/a</source>
        <translation>없음</translation>
    </message>
</context>
<context>
    <name>curation_panel</name>
    <message>
        <source>exact</source>
        <translation>완전 일치</translation>
    </message>
    <message>
        <source>near</source>
        <translation>유사</translation>
    </message>
    <message>
        <source>too small</source>
        <translation>너무 작음</translation>
    </message>
    <message>
        <source>odd aspect ratio</source>
        <translation>비정상 종횡비</translation>
    </message>
    <message>
        <source>unreadable</source>
        <translation>읽을 수 없음</translation>
    </message>
    <message>
        <source>blurry</source>
        <translation>흐림</translation>
    </message>
    <message>
        <source>dark</source>
        <translation>어두움</translation>
    </message>
    <message>
        <source>overexposed</source>
        <translation>과다 노출</translation>
    </message>
    <message>
        <source>overlooked</source>
        <translation>누락된 객체</translation>
    </message>
    <message>
        <source>swapped</source>
        <translation>클래스 뒤바뀜</translation>
    </message>
    <message>
        <source>bad location</source>
        <translation>위치 부정확</translation>
    </message>
    <message>
        <source>a tie</source>
        <translation>동률</translation>
    </message>
    <message>
        <source>needs {count} votes</source>
        <translation>{count}표 필요</translation>
    </message>
</context>
<context>
    <name>guideline_diff</name>
    <message>
        <source>draft</source>
        <translation>초안</translation>
    </message>
    <message>
        <source>none</source>
        <translation>없음</translation>
    </message>
    <message>
        <source>Classes changed: {classes} · examples added {added}, removed {removed}</source>
        <translation>변경된 클래스: {classes} · 예시 추가 {added}개, 삭제 {removed}개</translation>
    </message>
    <message>
        <source>The text is the same.</source>
        <translation>본문이 같습니다.</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>본문</translation>
    </message>
    <message>
        <source>Rule: {name}</source>
        <translation>규칙: {name}</translation>
    </message>
</context>
<context>
    <name>qa_view</name>
    <message>
        <source>wrong class</source>
        <translation>잘못된 클래스</translation>
    </message>
    <message>
        <source>duplicate</source>
        <translation>중복</translation>
    </message>
    <message>
        <source>poor localization</source>
        <translation>위치 부정확</translation>
    </message>
    <message>
        <source>background</source>
        <translation>배경</translation>
    </message>
    <message>
        <source>missed</source>
        <translation>놓침</translation>
    </message>
    <message>
        <source>not answered by anyone</source>
        <translation>아무도 답하지 않음</translation>
    </message>
    <message>
        <source>not covered by the model run</source>
        <translation>모델 실행이 다루지 않음</translation>
    </message>
    <message>
        <source>reviewed or consensus</source>
        <translation>검수 또는 합의</translation>
    </message>
    <message>
        <source>n/a</source>
        <translation>없음</translation>
    </message>
    <message>
        <source> (left out: {listed})</source>
        <translation> (제외: {listed})</translation>
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
<context>
    <name>slice_send</name>
    <message>
        <source>Assigned {images} images to {target}: {made} new assignments</source>
        <translation>이미지 {images}개를 {target}에게 배정: 새 배정 {made}건</translation>
    </message>
    <message>
        <source>choose people, or a vendor and the package file to write</source>
        <translation>작업자를 고르거나, 외주 업체와 작성할 패키지 파일을 고르세요</translation>
    </message>
    <message>
        <source>Wrote {path} for {vendor}: {images} images</source>
        <translation>{vendor}용 {path} 작성: 이미지 {images}개</translation>
    </message>
</context>
<context>
    <name>start_screen</name>
    <message>
        <source>Projects and work packages ({projects} {packages});;labeler projects ({projects});;Vendor work packages ({packages});;All files (*)</source>
        <translation>프로젝트와 작업 패키지 ({projects} {packages});;labeler 프로젝트 ({projects});;외주 업체 작업 패키지 ({packages});;모든 파일 (*)</translation>
    </message>
</context>
<context>
    <name>view</name>
    <message>
        <source>Vendors</source>
        <translation type="vanished">외주 업체</translation>
    </message>
    <message>
        <source>Gold</source>
        <translation type="vanished">골드</translation>
    </message>
</context>
</TS>
